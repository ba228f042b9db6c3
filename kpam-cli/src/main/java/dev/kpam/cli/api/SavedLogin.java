package dev.kpam.cli.api;

import java.time.Instant;

/**
 * What {@code kpam login} keeps in {@code config.json}: the server, the user, and the API token
 * with its expiry. After {@code kpam logout} the server and user stay (so the next login needs no
 * flags) and the token is gone.
 *
 * <pre>{@code
 * SavedLogin login = new SavedLogin("https://kpam.example.com", "alice", token, expiresAt);
 * }</pre>
 */
public record SavedLogin(String server, String user, String token, Instant expiresAt) {

  /** The same login without its token. */
  public SavedLogin withoutToken() {
    return new SavedLogin(server, user, null, null);
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
