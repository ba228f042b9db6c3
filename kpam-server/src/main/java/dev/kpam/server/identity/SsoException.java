package dev.kpam.server.identity;

import dev.kpam.server.http.ApiException;

/**
 * A single sign-on that did not end in a signed-in user, with why (a short {@code reason} for the
 * audit log) and what the person is told. {@code idp_unreachable} is the provider being down or
 * slow, a 502: never a refused sign-in.
 */
final class SsoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  SsoException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  static SsoException unreachable(OidcSettings settings, String what, Exception cause) {
    String detail =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new SsoException(
        "idp_unreachable",
        "cannot reach the identity provider "
            + settings.providerName()
            + " ("
            + what
            + ": "
            + detail
            + "); this is not a refused sign-in: try again when it is back, or ask an admin");
  }

  String reason() {
    return reason;
  }

  ApiException toApi() {
    return new ApiException(
        "idp_unreachable".equals(reason) ? 502 : 401, "sso_" + reason, getMessage());
  }
}
