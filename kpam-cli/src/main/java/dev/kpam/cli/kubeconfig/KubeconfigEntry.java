package dev.kpam.cli.kubeconfig;

import java.util.Objects;

/**
 * A cluster, a user and a context of one name in a kubeconfig: where kubectl connects, which CA it
 * trusts there and the bearer token it presents. {@link #toString()} never shows the token.
 *
 * <pre>{@code
 * var entry = new KubeconfigEntry("kpam/prod/admin", "https://127.0.0.1:6443", caPem, token);
 * KubeconfigChange change = Kubeconfigs.install(Path.of("/home/me/.kube/config"), entry);
 * }</pre>
 *
 * @param name the name of the cluster, user and context alike
 * @param server the {@code https://} URL of the API server (here: the local proxy)
 * @param certificateAuthorityPem the PEM certificate(s) kubectl trusts for {@code server}
 * @param token the bearer token kubectl sends
 */
public record KubeconfigEntry(
    String name, String server, String certificateAuthorityPem, String token) {
  public KubeconfigEntry {
    requireText("name", name);
    requireText("server", server);
    if (!server.startsWith("https://")) {
      throw new IllegalArgumentException("server: " + server + " (expected: an https:// URL)");
    }
    requireText("certificateAuthorityPem", certificateAuthorityPem);
    requireText("token", token);
  }

  private static void requireText(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + ": '' (expected: not blank)");
    }
  }

  @Override
  public String toString() {
    return "KubeconfigEntry[name=" + name + ", server=" + server + "]";
  }
}
