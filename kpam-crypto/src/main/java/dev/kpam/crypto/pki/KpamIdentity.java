package dev.kpam.crypto.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a kpam certificate speaks for, read from its {@code kpam://} subject alternative name URIs: a
 * gateway certificate carries {@code kpam://gateway/<gatewayId>}; a session certificate carries
 * {@code kpam://session/<sessionId>} and the gateway it may reach, {@code
 * kpam://gateway/<gatewayId>}. Identifiers are 1 to 63 lowercase letters, digits and inner hyphens
 * (a DNS label, as a gateway id also names {@code <gatewayId>.gateway.kpam}). Reading is strict: a
 * malformed or repeated kpam URI means no identity rather than a guess.
 *
 * <pre>{@code
 * KpamIdentity peer = KpamIdentity.require(peerCertificate);
 * boolean forMe = peer.gatewayId().equals(myGatewayId);
 * }</pre>
 *
 * @param sessionId null for {@link Kind#GATEWAY}
 */
public record KpamIdentity(Kind kind, String sessionId, String gatewayId) {
  /** What a kpam certificate authenticates: a gateway, or a user's session through one. */
  public enum Kind {
    GATEWAY,
    SESSION
  }

  static final String GATEWAY_URI = "kpam://gateway/";
  static final String SESSION_URI = "kpam://session/";
  private static final int URI_NAME = 6; // GeneralName uniformResourceIdentifier, RFC 5280 4.2.1.6
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public KpamIdentity {
    Objects.requireNonNull(kind, "kind");
    requireId("gatewayId", gatewayId);
    if (kind == Kind.SESSION) {
      requireId("sessionId", sessionId);
    } else if (sessionId != null) {
      throw new IllegalArgumentException("sessionId: " + sessionId + " (expected: none)");
    }
  }

  public static KpamIdentity gateway(String gatewayId) {
    return new KpamIdentity(Kind.GATEWAY, null, gatewayId);
  }

  public static KpamIdentity session(String sessionId, String gatewayId) {
    return new KpamIdentity(Kind.SESSION, sessionId, gatewayId);
  }

  /** The identity in {@code certificate}, or empty if it carries none or a malformed one. */
  public static Optional<KpamIdentity> of(X509Certificate certificate) {
    Collection<List<?>> altNames;
    try {
      altNames = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (altNames == null) {
      return Optional.empty();
    }
    List<String> gatewayIds = new ArrayList<>();
    List<String> sessionIds = new ArrayList<>();
    for (List<?> altName : altNames) {
      if (!Integer.valueOf(URI_NAME).equals(altName.get(0))) {
        continue;
      }
      String uri = (String) altName.get(1);
      if (uri.startsWith(GATEWAY_URI)) {
        gatewayIds.add(uri.substring(GATEWAY_URI.length()));
      } else if (uri.startsWith(SESSION_URI)) {
        sessionIds.add(uri.substring(SESSION_URI.length()));
      } else if (uri.regionMatches(true, 0, "kpam:", 0, 5)) {
        return Optional.empty();
      }
    }
    if (gatewayIds.size() != 1 || sessionIds.size() > 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          sessionIds.isEmpty()
              ? gateway(gatewayIds.get(0))
              : session(sessionIds.get(0), gatewayIds.get(0)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The identity in {@code certificate}.
   *
   * @throws IllegalArgumentException if it carries none
   */
  public static KpamIdentity require(X509Certificate certificate) {
    return of(certificate)
        .orElseThrow(() -> new IllegalArgumentException("certificate carries no kpam identity"));
  }

  static String requireId(String field, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          field + ": '" + id + "' (expected: 1 to 63 lowercase letters, digits and inner hyphens)");
    }
    return id;
  }
}
