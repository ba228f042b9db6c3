package dev.kpam.protocol.auth;

import dev.kpam.protocol.users.UserView;
import java.time.Instant;

/** A fresh API token (shown once) for the user who logged in. */
public record LoginResponse(String token, Instant expiresAt, UserView user) {
  @Override
  public String toString() {
    return "LoginResponse[token=<redacted>, expiresAt=" + expiresAt + ", user=" + user + "]";
  }
}
