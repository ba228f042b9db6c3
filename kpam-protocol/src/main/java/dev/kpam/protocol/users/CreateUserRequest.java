package dev.kpam.protocol.users;

/** {@code POST /api/v1/users} (admin). */
public record CreateUserRequest(String name, String role, String password) {
  @Override
  public String toString() {
    return "CreateUserRequest[name=" + name + ", role=" + role + ", password=<redacted>]";
  }
}
