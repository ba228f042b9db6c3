package dev.kpam.bench;

import dev.kpam.crypto.pki.Pem;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A CLI local proxy as the kubeconfig written by {@code kpam k8s access --kubeconfig-out} describes
 * it: where it listens, the token it expects, a TLS client context that trusts its certificate and
 * that certificate (PEM), and the kubeconfig itself for kubectl.
 *
 * <pre>{@code
 * ProxyTarget proxy = ProxyTarget.fromKubeconfig(Path.of("kubeconfig"));
 * }</pre>
 */
record ProxyTarget(
    String host, int port, String token, SslContext tls, String caPem, Path kubeconfig) {
  /** {@code https://HOST:PORT}. */
  URI url() {
    return URI.create("https://" + host + ":" + port);
  }

  static ProxyTarget fromKubeconfig(Path kubeconfig) throws IOException {
    URI server = URI.create(value(kubeconfig, "server:"));
    String ca =
        new String(
            Base64.getDecoder().decode(value(kubeconfig, "certificate-authority-data:")),
            StandardCharsets.UTF_8);
    SslContext tls =
        SslContextBuilder.forClient()
            .trustManager(Pem.parseCertificates(ca).toArray(X509Certificate[]::new))
            .build();
    return new ProxyTarget(
        server.getHost(), server.getPort(), value(kubeconfig, "token:"), tls, ca, kubeconfig);
  }

  private static String value(Path kubeconfig, String key) throws IOException {
    for (String raw : Files.readAllLines(kubeconfig)) {
      String line = raw.trim();
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim().replace("\"", "").replace("'", "");
      }
    }
    throw new IllegalStateException("no " + key + " in " + kubeconfig);
  }
}
