package dev.kpam.protocol.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A user as the API shows it. {@code role} is {@code admin} or {@code member}; {@code source} is
 * {@code local} (a password user) or {@code sso} (created at the first sign-in through the identity
 * provider), which also gives {@code displayName}, {@code email} and {@code groups} (as of the last
 * sign-in).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(
    String id,
    String name,
    String role,
    boolean disabled,
    Instant createdAt,
    String source,
    String displayName,
    String email,
    List<String> groups) {
  /** A local user. */
  public UserView(String id, String name, String role, boolean disabled, Instant createdAt) {
    this(id, name, role, disabled, createdAt, "local", null, null, List.of());
  }
}
