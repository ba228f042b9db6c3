package dev.kpam.protocol.users;

/** {@code PATCH /api/v1/users/{name}} (admin): fields left null keep their value. */
public record UpdateUserRequest(String role, Boolean disabled, String password) {
  @Override
  public String toString() {
    return "UpdateUserRequest[role=" + role + ", disabled=" + disabled + ", password=<redacted>]";
  }
}
