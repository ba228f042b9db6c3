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
 * kpam://gateway/<gatewayId>}; a relay certificate carries {@code kpam://relay/<relayId>} and
 * nothing else kpam. Identifiers are 1 to 63 lowercase letters, digits and inner hyphens (a DNS
 * label, as a gateway id also names {@code <gatewayId>.gateway.kpam}). Reading is strict: a
 * malformed or repeated kpam URI, or a relay URI beside another kpam URI, means no identity rather
 * than a guess.
 *
 * <pre>{@code
 * KpamIdentity peer = KpamIdentity.require(peerCertificate);
 * boolean forMe = peer.gatewayId().equals(myGatewayId);
 * }</pre>
 *
 * @param sessionId set for {@link Kind#SESSION} only
 * @param gatewayId set for {@link Kind#GATEWAY} and {@link Kind#SESSION}
 * @param relayId set for {@link Kind#RELAY} only
 */
public record KpamIdentity(Kind kind, String sessionId, String gatewayId, String relayId) {
  /** What a kpam certificate authenticates: a gateway, a user's session through one, a relay. */
  public enum Kind {
    GATEWAY,
    SESSION,
    RELAY
  }

  static final String GATEWAY_URI = "kpam://gateway/";
  static final String SESSION_URI = "kpam://session/";
  static final String RELAY_URI = "kpam://relay/";
  private static final int URI_NAME = 6; // GeneralName uniformResourceIdentifier, RFC 5280 4.2.1.6
  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public KpamIdentity {
    Objects.requireNonNull(kind, "kind");
    requireIdOrNone("sessionId", sessionId, kind == Kind.SESSION);
    requireIdOrNone("gatewayId", gatewayId, kind != Kind.RELAY);
    requireIdOrNone("relayId", relayId, kind == Kind.RELAY);
  }

  public static KpamIdentity gateway(String gatewayId) {
    return new KpamIdentity(Kind.GATEWAY, null, gatewayId, null);
  }

  public static KpamIdentity session(String sessionId, String gatewayId) {
    return new KpamIdentity(Kind.SESSION, sessionId, gatewayId, null);
  }

  public static KpamIdentity relay(String relayId) {
    return new KpamIdentity(Kind.RELAY, null, null, relayId);
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
    List<String> relayIds = new ArrayList<>();
    for (List<?> altName : altNames) {
      if (!Integer.valueOf(URI_NAME).equals(altName.get(0))) {
        continue;
      }
      String uri = (String) altName.get(1);
      if (uri.startsWith(GATEWAY_URI)) {
        gatewayIds.add(uri.substring(GATEWAY_URI.length()));
      } else if (uri.startsWith(SESSION_URI)) {
        sessionIds.add(uri.substring(SESSION_URI.length()));
      } else if (uri.startsWith(RELAY_URI)) {
        relayIds.add(uri.substring(RELAY_URI.length()));
      } else if (uri.regionMatches(true, 0, "kpam:", 0, 5)) {
        return Optional.empty();
      }
    }
    try {
      if (!relayIds.isEmpty()) {
        return relayIds.size() == 1 && gatewayIds.isEmpty() && sessionIds.isEmpty()
            ? Optional.of(relay(relayIds.get(0)))
            : Optional.empty();
      }
      if (gatewayIds.size() != 1 || sessionIds.size() > 1) {
        return Optional.empty();
      }
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

  /**
   * How people read this identity in a message: {@code gateway dc1}, {@code session s-1 (through
   * gateway dc1)}, {@code relay r-1}.
   */
  public String describe() {
    return switch (kind) {
      case GATEWAY -> "gateway " + gatewayId;
      case SESSION -> "session " + sessionId + " (through gateway " + gatewayId + ")";
      case RELAY -> "relay " + relayId;
    };
  }

  private static void requireIdOrNone(String field, String id, boolean required) {
    if (required) {
      requireId(field, id);
    } else if (id != null) {
      throw new IllegalArgumentException(field + ": " + id + " (expected: none)");
    }
  }

  static String requireId(String field, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          field + ": '" + id + "' (expected: 1 to 63 lowercase letters, digits and inner hyphens)");
    }
    return id;
  }
}
