package dev.kpam.it.access;

import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * The one cluster of a kubeconfig that kpam or the fake API server wrote: where it listens, its CA
 * (PEM) and the bearer token, for programs that talk to it without kubectl.
 *
 * <pre>{@code
 * KubeconfigEntry proxy = KubeconfigEntry.read(kubeconfig);
 * HttpClient http = proxy.httpClient();
 * }</pre>
 */
public record KubeconfigEntry(URI server, String caPem, String token) {
  public static KubeconfigEntry read(Path kubeconfig) throws IOException {
    return new KubeconfigEntry(
        URI.create(value(kubeconfig, "server:")),
        new String(
            Base64.getDecoder().decode(value(kubeconfig, "certificate-authority-data:")),
            StandardCharsets.UTF_8),
        value(kubeconfig, "token:"));
  }

  /** An HTTP/1.1 client that trusts only this cluster's CA. */
  public HttpClient httpClient() throws GeneralSecurityException {
    SSLContext tls = KeyStores.clientTrusting(Pem.parseCertificates(caPem));
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
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
