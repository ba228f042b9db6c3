package dev.kpam.it.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.ErrorObject;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponseKt;
import no.nav.security.mock.oauth2.http.Route;

/**
 * The device authorization grant (RFC 8628) on mock-oauth2-server, which lacks it: its discovery
 * document with a {@code device_authorization_endpoint}, that endpoint, and the token endpoint's
 * answers to a device code ({@code authorization_pending} until the test approves or declines the
 * user code; then an ID token the provider issues and signs with its own keys, once). Every other
 * request goes to the provider's own routes.
 */
final class DeviceGrant {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  private record Device(
      String userCode, String subject, Map<String, Object> claims, boolean denied) {}

  private final Map<String, Device> byDeviceCode = new ConcurrentHashMap<>();
  private volatile MockOAuth2Server server;
  private volatile String issuerId;
  private volatile String clientId;
  private volatile Map<String, Object> discovery;

  Route[] routes() {
    return new Route[] {new Discovery(), new Authorization(), new Token()};
  }

  /** Starts answering for {@code issuerId} of the started {@code server}. */
  @SuppressWarnings("unchecked")
  void serve(MockOAuth2Server server, String issuerId, String clientId) {
    this.server = server;
    this.issuerId = issuerId;
    this.clientId = clientId;
    try {
      HttpResponse<String> own =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.wellKnownUrl(issuerId).uri()).build(),
                  HttpResponse.BodyHandlers.ofString());
      Map<String, Object> document = new LinkedHashMap<>(JSON.readValue(own.body(), Map.class));
      document.put(
          "device_authorization_endpoint", server.issuerUrl(issuerId) + "/device_authorization");
      discovery = document;
    } catch (Exception e) {
      throw new IllegalStateException("the provider's discovery document", e);
    }
  }

  void approve(String userCode, String subject, Map<String, Object> claims) {
    decide(userCode, new Device(userCode, subject, claims, false));
  }

  void decline(String userCode) {
    decide(userCode, new Device(userCode, null, null, true));
  }

  private void decide(String userCode, Device decided) {
    String deviceCode =
        byDeviceCode.entrySet().stream()
            .filter(e -> e.getValue().userCode().equals(userCode))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no device sign-in " + userCode));
    byDeviceCode.put(deviceCode, decided);
  }

  private boolean isPath(OAuth2HttpRequest request, String method, String suffix) {
    return issuerId != null
        && request.getMethod().equals(method)
        && request.getUrl().encodedPath().equals("/" + issuerId + suffix);
  }

  private static Map<String, String> form(OAuth2HttpRequest request) {
    Map<String, String> form = new HashMap<>();
    String body = request.getBody() == null ? "" : request.getBody();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private final class Discovery implements Route {
    @Override
    public boolean match(OAuth2HttpRequest request) {
      return discovery != null && isPath(request, "GET", "/.well-known/openid-configuration");
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
      return OAuth2HttpResponseKt.json(discovery);
    }
  }

  private final class Authorization implements Route {
    @Override
    public boolean match(OAuth2HttpRequest request) {
      return isPath(request, "POST", "/device_authorization");
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
      byte[] random = new byte[16];
      RANDOM.nextBytes(random);
      String deviceCode = HexFormat.of().formatHex(random);
      String userCode =
          HexFormat.of().formatHex(random, 0, 2).toUpperCase()
              + "-"
              + HexFormat.of().formatHex(random, 2, 4).toUpperCase();
      byDeviceCode.put(deviceCode, new Device(userCode, null, null, false));
      String verification = server.issuerUrl(issuerId) + "/device";
      return OAuth2HttpResponseKt.json(
          Map.of(
              "device_code",
              deviceCode,
              "user_code",
              userCode,
              "verification_uri",
              verification,
              "verification_uri_complete",
              verification + "?user_code=" + userCode,
              "expires_in",
              600,
              "interval",
              1));
    }
  }

  private final class Token implements Route {
    @Override
    public boolean match(OAuth2HttpRequest request) {
      return isPath(request, "POST", "/token")
          && DEVICE_GRANT.equals(form(request).get("grant_type"));
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
      String deviceCode = form(request).get("device_code");
      Device device = deviceCode == null ? null : byDeviceCode.get(deviceCode);
      if (device == null) {
        return OAuth2HttpResponseKt.oauth2Error(
            new ErrorObject("expired_token", "unknown or used device code", 400));
      }
      if (device.denied()) {
        byDeviceCode.remove(deviceCode);
        return OAuth2HttpResponseKt.oauth2Error(
            new ErrorObject("access_denied", "the person declined", 400));
      }
      if (device.subject() == null) {
        return OAuth2HttpResponseKt.oauth2Error(
            new ErrorObject("authorization_pending", "not yet", 400));
      }
      byDeviceCode.remove(deviceCode);
      String idToken =
          server
              .issueToken(issuerId, device.subject(), clientId, device.claims(), 3600)
              .serialize();
      return OAuth2HttpResponseKt.json(
          Map.of(
              "access_token",
              "at-" + deviceCode,
              "token_type",
              "Bearer",
              "expires_in",
              3600,
              "id_token",
              idToken));
    }
  }
}
