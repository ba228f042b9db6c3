package dev.kpam.bench;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.it.access.KpamWorld;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Heap held by idle watch streams through the whole kpam path. Opens N watches (default 2000; each
 * costs about five file descriptors in this one process, which runs the fake API server, server,
 * relay, gateway and CLI together) and prints the heap after a full GC before and after, per watch
 * and extrapolated to 10 000. The figure is an upper bound for the gateway.
 *
 * <pre>{@code
 * mvn -q -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.IdleWatches -Dexec.args=2000
 * }</pre>
 */
public final class IdleWatches {
  private IdleWatches() {}

  public static void main(String[] args) throws Exception {
    int watches = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("kpam-bench-watches");
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      HttpClient http = client(kubeconfig);
      URI watch =
          URI.create(value(kubeconfig, "server:") + "/api/v1/namespaces/default/pods?watch=true");
      String token = value(kubeconfig, "token:");
      long before = heapAfterGc();
      List<CompletableFuture<HttpResponse<InputStream>>> open = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < watches; i++) {
        open.add(
            http.sendAsync(
                HttpRequest.newBuilder(watch).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream()));
      }
      List<InputStream> streams = new ArrayList<>();
      for (CompletableFuture<HttpResponse<InputStream>> response : open) {
        HttpResponse<InputStream> answer = response.get(5, TimeUnit.MINUTES);
        if (answer.statusCode() != 200) {
          throw new IllegalStateException(
              "a watch answered "
                  + answer.statusCode()
                  + ": "
                  + new String(answer.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        streams.add(answer.body());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long after = heapAfterGc();
      double perWatch = (after - before) / (double) watches;
      System.out.printf("%d idle watches open through kpam in %.1f s%n", watches, seconds);
      System.out.printf(
          "heap after GC: %.1f MiB before, %.1f MiB after: %.1f KiB per watch (whole process),"
              + " %.0f MiB for 10 000%n",
          before / 1048576.0, after / 1048576.0, perWatch / 1024, perWatch * 10_000 / 1048576.0);
      for (InputStream stream : streams) {
        stream.close();
      }
      access.close();
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200); // a benchmark program, not a test: let the collector settle
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String value(Path kubeconfig, String key) throws Exception {
    for (String raw : Files.readAllLines(kubeconfig)) {
      String line = raw.trim();
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim().replace("\"", "").replace("'", "");
      }
    }
    throw new IllegalStateException("no " + key + " in " + kubeconfig);
  }

  private static HttpClient client(Path kubeconfig) throws Exception {
    String ca =
        new String(
            Base64.getDecoder().decode(value(kubeconfig, "certificate-authority-data:")),
            StandardCharsets.UTF_8);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(KeyStores.trustStore(Pem.parseCertificates(ca)));
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
  }
}
