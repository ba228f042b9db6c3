package dev.kpam.server.auth;

import dev.kpam.server.audit.AuditLog.Actor;

/**
 * The authenticated caller of a request: a user and the token they used.
 *
 * <pre>{@code
 * Principal me = auth.user(ctx);
 * if (!me.isAdmin()) throw ApiException.forbidden("admins only");
 * }</pre>
 */
public record Principal(
    String userId, String name, Role role, String tokenId, String sourceAddress) {
  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  public Actor actor() {
    return Actor.of(name, sourceAddress);
  }
}
