package dev.kpam.relay;

import dev.kpam.crypto.pki.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kpam relay}: a standalone relay. Runs until the process is stopped.
 *
 * <pre>{@code
 * new CommandLine(new RelayCommand()).execute("--tls-cert", "relay.pem", "--tls-key", "relay-key.pem",
 *     "--ca-cert", "ca.pem");
 * }</pre>
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a standalone kpam relay: gateways dial in and keep tunnels open, clients connect with"
          + " their session certificate and are switched onto a tunnel of their gateway.",
      "Limitation: a standalone relay has no access to the server's database, so it admits every"
          + " session whose certificate the kpam CA issued and that has not expired; the gateway"
          + " still checks the live session status (ended or terminated sessions are refused"
          + " there). The server's embedded relay checks the status itself."
    })
public final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "7443",
      description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--tls-cert",
      required = true,
      description = "The relay's certificate chain (PEM), issued by the kpam CA.")
  Path tlsCert;

  @Option(names = "--tls-key", required = true, description = "The relay's private key (PEM).")
  Path tlsKey;

  @Option(names = "--ca-cert", required = true, description = "The kpam CA certificate (PEM).")
  Path caCert;

  public RelayCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    List<X509Certificate> chain = Pem.parseCertificates(read(tlsCert));
    PrivateKey key = Pem.parsePrivateKey(read(tlsKey));
    List<X509Certificate> cas = Pem.parseCertificates(read(caCert));
    SessionGate admitValidCertificates =
        (sessionId, gatewayId) -> CompletableFuture.completedFuture(GateDecision.allow());
    RelayServer relay =
        RelayServer.start(
            new RelayConfig(
                bind, port, key, chain, cas, admitValidCertificates, Clock.systemUTC()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  relay.close();
                  stopped.countDown();
                },
                "kpam-relay-shutdown"));
    out.println("kpam relay listening on " + bind + ":" + relay.port());
    out.flush();
    stopped.await();
    return 0;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
