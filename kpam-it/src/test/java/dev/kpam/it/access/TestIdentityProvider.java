package dev.kpam.it.access;

import dev.kpam.server.identity.OidcSettings;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A real OpenID Connect provider on loopback for the single sign-on tests: {@code
 * mock-oauth2-server} (discovery, JWKS, authorization and token endpoints, its own RSA keys),
 * issuer {@code http://127.0.0.1:PORT/corp}. Who signs in next is set with {@link #nextSignIn}.
 * mock-oauth2-server has no device authorization grant (RFC 8628): {@link DeviceGrant} adds it on
 * the provider's own router, with ID tokens the provider issues and signs with its own keys.
 *
 * <pre>{@code
 * try (TestIdentityProvider idp = TestIdentityProvider.start()) {
 *   KpamWorld world = KpamWorld.start(dir, server -> server.oidc(idp.settings("kpam-admins", null)));
 *   idp.nextSignIn("sub-alice", "alice", List.of("sre"));
 * }
 * }</pre>
 */
public final class TestIdentityProvider implements AutoCloseable {
  public static final String CLIENT_ID = "kpam-it";
  public static final String CLIENT_SECRET = "kpam-it-client-secret-never-logged";
  private static final String ISSUER_ID = "corp";

  private final MockOAuth2Server server;
  private final DeviceGrant devices;

  private TestIdentityProvider(MockOAuth2Server server, DeviceGrant devices) {
    this.server = server;
    this.devices = devices;
  }

  public static TestIdentityProvider start() {
    DeviceGrant devices = new DeviceGrant();
    MockOAuth2Server server = new MockOAuth2Server(devices.routes());
    server.start(InetAddress.getLoopbackAddress(), 0);
    devices.serve(server, ISSUER_ID, CLIENT_ID);
    return new TestIdentityProvider(server, devices);
  }

  /**
   * The person with the device sign-in's {@code userCode} signs in at the provider as {@code
   * username} in {@code groups} (what they would do on their phone).
   */
  public void approveDevice(String userCode, String subject, String username, List<String> groups) {
    devices.approve(userCode, subject, claims(username, groups));
  }

  /** The person with {@code userCode} declines the device sign-in. */
  public void declineDevice(String userCode) {
    devices.decline(userCode);
  }

  public URI issuer() {
    return server.issuerUrl(ISSUER_ID).uri();
  }

  /** kpam's settings for this provider, "Corp IdP" on the button. */
  public OidcSettings settings(String adminGroup, String breakGlassUser) {
    return new OidcSettings(
        issuer(),
        CLIENT_ID,
        CLIENT_SECRET,
        "Corp IdP",
        null,
        null,
        null,
        null,
        null,
        adminGroup,
        breakGlassUser,
        null);
  }

  /**
   * The next sign-in at the provider is {@code username} (subject {@code subject}) in {@code
   * groups}.
   */
  public void nextSignIn(String subject, String username, List<String> groups) {
    server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            ISSUER_ID, subject, "JWT", null, claims(username, groups), 3600));
  }

  private static Map<String, Object> claims(String username, List<String> groups) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("preferred_username", username);
    claims.put("name", username.substring(0, 1).toUpperCase() + username.substring(1));
    claims.put("email", username + "@example.com");
    claims.put("groups", groups);
    return claims;
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
