package dev.kpam.protocol.auth;

/** {@code POST /api/v1/auth/login}: password login; answered by {@link LoginResponse}. */
public record LoginRequest(String username, String password) {
  @Override
  public String toString() {
    return "LoginRequest[username=" + username + ", password=<redacted>]";
  }
}
