package dev.kpam.cli.api;

import java.time.Instant;

/**
 * What {@code kpam login} keeps in {@code config.json}: the server, the user, and the API token
 * with its expiry, and the CA certificates (PEM) to trust for a server with a private CA. After
 * {@code kpam logout} the server, user and CA stay (so the next login needs no flags) and the token
 * is gone.
 *
 * <pre>{@code
 * SavedLogin login = new SavedLogin("https://kpam.example.com", "alice", token, expiresAt);
 * }</pre>
 */
public record SavedLogin(
    String server, String user, String token, Instant expiresAt, String caCert) {

  /** A login to a server whose certificate the JDK's default trust store verifies. */
  public SavedLogin(String server, String user, String token, Instant expiresAt) {
    this(server, user, token, expiresAt, null);
  }

  /** The same login without its token. */
  public SavedLogin withoutToken() {
    return new SavedLogin(server, user, null, null, caCert);
  }

  /** The command that logs in again, with the known server and user filled in. */
  public String loginCommand() {
    return loginCommand(server, user);
  }

  /** {@code kpam login --server URL --user NAME}, with placeholders for what is not known. */
  public static String loginCommand(String server, String user) {
    return "kpam login --server "
        + (server == null ? "URL" : server)
        + " --user "
        + (user == null ? "NAME" : user);
  }

  @Override
  public String toString() {
    return "SavedLogin[server="
        + server
        + ", user="
        + user
        + ", token="
        + (token == null ? "null" : "<redacted>")
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
