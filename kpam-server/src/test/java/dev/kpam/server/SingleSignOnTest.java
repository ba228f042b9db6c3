package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenRequest;
import dev.kpam.server.identity.OidcSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponseKt;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Single sign-on against a real OpenID Connect provider ({@code mock-oauth2-server} in this JVM,
 * with its own keys, discovery, authorization and token endpoints): the web UI's sign-in, the CLI's
 * loopback hand-off, users made at their first sign-in with their role and groups, grants to groups
 * that end sessions when the group goes, and every failure refused with its message and an audit
 * event.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SingleSignOnTest {
  private static final String CLIENT_ID = "kpam-test-client";
  private static final String CLIENT_SECRET = "client-secret-that-must-never-leak";
  private static final String ISSUER_ID = "corp";

  private final Backend backend;
  private MockOAuth2Server idp;
  private TestServer server;

  SingleSignOnTest(Backend backend) {
    this.backend = backend;
  }

  /** The ID token the provider's token endpoint answers with next instead of its own, or null. */
  private final AtomicReference<String> substituteIdToken = new AtomicReference<>();

  /** How the provider answers refresh grants: normally (null), "503", or "invalid_grant". */
  private final AtomicReference<String> refreshAnswer = new AtomicReference<>();

  /** How many refresh grants {@link RefreshAnswers} answered. */
  private final AtomicInteger refreshesAnswered = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    idp =
        new MockOAuth2Server(
            new SubstituteTokens(substituteIdToken),
            new RefreshAnswers(refreshAnswer, refreshesAnswered));
    idp.start(InetAddress.getLoopbackAddress(), 0);
    server = kpamWith(settings(idp.issuerUrl(ISSUER_ID).uri(), "admin"));
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
    idp.shutdown();
  }

  /**
   * Answers the provider's next token request with a given ID token (a route of the provider's own
   * router, before its token endpoint): how a provider that signs with an unpublished key or for
   * another audience looks to kpam.
   */
  private record SubstituteTokens(AtomicReference<String> next) implements Route {
    @Override
    public boolean match(OAuth2HttpRequest request) {
      return next.get() != null
          && request.getMethod().equals("POST")
          && request.getUrl().encodedPath().endsWith("/token");
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
      return OAuth2HttpResponseKt.json(
          Map.of(
              "access_token",
              "at",
              "token_type",
              "Bearer",
              "expires_in",
              600,
              "id_token",
              next.getAndSet(null)));
    }
  }

  /**
   * Answers refresh grants as a failing provider (HTTP 503) or one that no longer honours the
   * refresh token ({@code invalid_grant}, RFC 6749 5.2) would; otherwise the provider's own.
   */
  private record RefreshAnswers(AtomicReference<String> answer, AtomicInteger answered)
      implements Route {
    @Override
    public boolean match(OAuth2HttpRequest request) {
      return answer.get() != null
          && request.getMethod().equals("POST")
          && request.getUrl().encodedPath().endsWith("/token")
          && request.getBody() != null
          && request.getBody().contains("grant_type=refresh_token");
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
      answered.incrementAndGet();
      return answer.get().equals("503")
          ? OAuth2HttpResponseKt.oauth2Error(OAuth2Error.SERVER_ERROR.setHTTPStatusCode(503))
          : OAuth2HttpResponseKt.oauth2Error(OAuth2Error.INVALID_GRANT);
    }
  }

  /**
   * What the provider says of a person, changeable after the sign-in: the provider keeps the
   * callback of a sign-in for its refresh token, so a refresh reads the groups as they are then.
   */
  private static final class ChangingPerson implements OAuth2TokenCallback {
    private final String subject;
    private final String username;
    volatile List<String> groups;

    ChangingPerson(String subject, String username, List<String> groups) {
      this.subject = subject;
      this.username = username;
      this.groups = groups;
    }

    @Override
    public String issuerId() {
      return ISSUER_ID;
    }

    @Override
    public String subject(TokenRequest request) {
      return subject;
    }

    @Override
    public String typeHeader(TokenRequest request) {
      return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
      return List.of(CLIENT_ID);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
      return person(username, groups);
    }

    @Override
    public long tokenExpiry() {
      return 3600;
    }
  }

  /** Starts a web UI sign-in and returns the provider's redirect back (not yet followed). */
  private String callbackOfAStartedSignIn(
      FormClient browser, java.util.function.Function<String, String> idToken) {
    browser.get("/ui/login").expect(200);
    URI authorize =
        URI.create(browser.get("/ui/login/sso").headers().firstValue("Location").orElseThrow());
    substituteIdToken.set(idToken.apply(query(authorize, "nonce")));
    return browser.get(authorize.toString()).headers().firstValue("Location").orElseThrow();
  }

  private String providerSigned(List<String> audience, long expiresIn, String nonce) {
    Map<String, Object> claims = person("alice", List.of());
    claims.put("nonce", nonce);
    return idp.issueToken(
            ISSUER_ID,
            CLIENT_ID,
            new DefaultOAuth2TokenCallback(
                ISSUER_ID, "sub-alice", "JWT", audience, claims, expiresIn))
        .serialize();
  }

  private TestServer kpamWith(OidcSettings settings) {
    return TestServer.start(backend, b -> b.oidc(settings));
  }

  private static OidcSettings settings(URI issuer, String breakGlassUser) {
    return new OidcSettings(
        issuer,
        CLIENT_ID,
        CLIENT_SECRET,
        "Corp IdP",
        null,
        null,
        null,
        null,
        null,
        "kpam-admins",
        breakGlassUser,
        null);
  }

  /** The next ID token the provider issues: for {@code subject}, with {@code claims}. */
  private void nextSignIn(String subject, Map<String, Object> claims) {
    idp.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", null, claims, 3600));
  }

  private static Map<String, Object> person(String username, List<String> groups) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("preferred_username", username);
    claims.put("name", "Alice Liddell");
    claims.put("email", username + "@example.com");
    claims.put("groups", groups);
    return claims;
  }

  /** Signs in through the web UI as a browser does, up to the provider's redirect back. */
  private FormClient.Page browserSignIn(FormClient browser) {
    FormClient.Page login = browser.get("/ui/login").expect(200);
    assertThat(login.html()).contains("Sign in with Corp IdP");
    FormClient.Page toIdp = browser.get("/ui/login/sso");
    assertThat(toIdp.status()).isEqualTo(303);
    assertThat(toIdp.setCookie("kpam_sso")).contains("SameSite=Lax").contains("HttpOnly");
    URI authorize = URI.create(toIdp.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.getQuery())
        .contains("code_challenge_method=S256")
        .contains("state=")
        .contains("nonce=");
    FormClient.Page back = browser.get(authorize.toString());
    assertThat(back.status()).as(back.html()).isEqualTo(302);
    return browser.get(back.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void aPersonSignsInToTheWebUiAndIsCreatedWithTheirGroupsAndTheAdminRoleOfTheirGroup() {
    nextSignIn("sub-alice", person("alice", List.of("kpam-admins", "sre")));
    FormClient browser = new FormClient(server.server.url());

    FormClient.Page signedIn = browserSignIn(browser).expect(200);

    assertThat(signedIn.html()).contains("Signed in as alice").contains("url=/ui/resources");
    assertThat(signedIn.setCookie("kpam_ui")).contains("SameSite=Strict");
    assertThat(browser.get("/ui/resources").expect(200).html()).contains("alice");
    JsonNode alice = server.admin.get("/api/v1/users/alice").expect(200).json();
    assertThat(alice.get("role").asText()).isEqualTo("admin");
    assertThat(alice.get("source").asText()).isEqualTo("sso");
    assertThat(alice.get("email").asText()).isEqualTo("alice@example.com");
    assertThat(alice.get("groups").toString()).isEqualTo("[\"kpam-admins\",\"sre\"]");
    assertThat(auditActions()).contains("user.sso.create", "auth.sso.login");
    assertThat(server.admin.get("/api/v1/audit").expect(200).body()).doesNotContain(CLIENT_SECRET);
  }

  @Test
  void theCliGetsAKpamTokenThroughItsLoopbackAndOnlyWithItsVerifier() throws Exception {
    nextSignIn("sub-bob", person("bob@example.com", List.of("sre")));
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    String loopback = "http://127.0.0.1:" + freePort() + "/callback";
    JsonNode started =
        server
            .anonymous
            .post(
                "/api/v1/auth/sso/start",
                Map.of("redirectUri", loopback, "codeChallenge", s256(verifier)))
            .expect(200)
            .json();
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page back = browser.get(started.get("authorizationUrl").asText());
    FormClient.Page toCli = browser.get(back.headers().firstValue("Location").orElseThrow());

    assertThat(toCli.status()).isEqualTo(303);
    URI handoff = URI.create(toCli.headers().firstValue("Location").orElseThrow());
    assertThat(handoff.toString()).startsWith(loopback + "?code=");
    String code = URLDecoder.decode(handoff.getQuery().substring(5), StandardCharsets.UTF_8);

    server
        .anonymous
        .post("/api/v1/auth/sso/token", Map.of("code", code, "codeVerifier", "x".repeat(43)))
        .expectError(401, "sso_code");
    // A wrong verifier spends the code: a stolen code is worth one guess, never a token.
    server
        .anonymous
        .post("/api/v1/auth/sso/token", Map.of("code", code, "codeVerifier", verifier))
        .expectError(401, "sso_code");

    String code2 = cliSignIn("sub-bob", verifier, loopback);
    JsonNode login =
        server
            .anonymous
            .post("/api/v1/auth/sso/token", Map.of("code", code2, "codeVerifier", verifier))
            .expect(200)
            .json();
    Api bob = server.anonymous.withToken(login.get("token").asText());
    JsonNode me = bob.get("/api/v1/auth/whoami").expect(200).json();
    assertThat(me.get("name").asText()).isEqualTo("bob");
    assertThat(me.get("role").asText()).isEqualTo("member");
    server
        .anonymous
        .post("/api/v1/auth/sso/token", Map.of("code", code2, "codeVerifier", verifier))
        .expectError(401, "sso_code");
  }

  private String cliSignIn(String subject, String verifier, String loopback) {
    nextSignIn(subject, person("bob", List.of("sre")));
    return cliSignInAs(verifier, loopback);
  }

  @Test
  void aGrantToAGroupLastsAsLongAsTheUserIsInItAtTheProvider() throws Exception {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "group:sre"))
        .expect(200);
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    String loopback = "http://127.0.0.1:" + freePort() + "/";
    Api bob = redeem(cliSignIn("sub-bob", verifier, loopback), verifier);
    assertThat(bob.get("/api/v1/accounts").expect(200).body()).contains("\"admin\"");
    String session = Fixtures.openSession(bob, "prod", "admin", "1h");

    // The provider no longer lists bob in sre: his next sign-in takes the grant and the session.
    nextSignIn("sub-bob", person("bob", List.of("dev")));
    Api again = redeem(cliSignInAs(verifier, loopback), verifier);

    assertThat(again.get("/api/v1/accounts").expect(200).json().get("items")).isEmpty();
    JsonNode ended = server.admin.get("/api/v1/sessions/" + session).expect(200).json();
    assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(ended.get("endReason").asText()).contains("groups or role of bob changed");
  }

  /** A person signed in through the CLI's flow, with what the provider says of them. */
  private Api signedIn(String subject, String username, List<String> groups) throws Exception {
    nextSignIn(subject, person(username, groups));
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    String loopback = "http://127.0.0.1:" + freePort() + "/";
    return redeem(cliSignInAs(verifier, loopback), verifier);
  }

  @Test
  void approversNamedByAGroupAreThePeopleTheProviderPutsInIt() throws Exception {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "group:dev"))
        .expect(200);
    JsonNode access =
        server
            .admin
            .patch(
                "/api/v1/resources/prod/accounts/admin",
                Map.of(
                    "access",
                    Map.of(
                        "requiresApproval",
                        true,
                        "approvers",
                        List.of("group:sre"),
                        "approvalsNeeded",
                        2)))
            .expect(200)
            .json()
            .get("access");
    assertThat(access.get("approvers").toString()).isEqualTo("[\"group:sre\"]");
    Api bob = signedIn("sub-bob", "bob", List.of("dev"));
    Map<String, Object> request =
        Map.of("resource", "prod", "account", "admin", "duration", "30m", "reason", "incident 7");
    // Nobody is in sre yet: two approvals cannot be had, and bob hears so at once.
    assertThat(bob.post("/api/v1/requests", request).expectError(409, "conflict").message())
        .contains("needs 2 approval(s) by group:sre other than you, and there are 0");

    Api alice = signedIn("sub-alice", "alice", List.of("sre"));
    Api dave = signedIn("sub-dave", "dave", List.of("sre", "dev"));
    Api carol = signedIn("sub-carol", "carol", List.of("dev"));
    String id = bob.post("/api/v1/requests", request).expect(201).json().get("id").asText();

    carol.post("/api/v1/requests/" + id + "/approve", Map.of()).expectError(404, "not_found");
    assertThat(alice.get("/api/v1/requests").expect(200).body()).contains(id);
    alice.post("/api/v1/requests/" + id + "/approve", Map.of()).expect(200);
    JsonNode approved =
        dave.post("/api/v1/requests/" + id + "/approve", Map.of()).expect(200).json();
    assertThat(approved.get("status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void groupsAreReadAgainWithTheRefreshTokenAndASessionEndsWhenItsGroupGoes() throws Exception {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "group:sre"))
        .expect(200);
    ChangingPerson bobAtTheProvider = new ChangingPerson("sub-bob", "bob", List.of("sre"));
    idp.enqueueCallback(bobAtTheProvider);
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    Api bob = redeem(cliSignInAs(verifier, "http://127.0.0.1:" + freePort() + "/"), verifier);
    String session = Fixtures.openSession(bob, "prod", "admin", "1h");

    // The provider fails for a while: nothing is taken away for that.
    refreshAnswer.set("503");
    server.clock.advance(OidcSettings.DEFAULT_GROUPS_REFRESH.plusMinutes(1));
    for (int i = 0; i < 200 && refreshesAnswered.get() == 0; i++) {
      Thread.sleep(50);
    }
    assertThat(refreshesAnswered.get()).as("the server asked the failing provider").isPositive();
    assertThat(server.admin.get("/api/v1/sessions/" + session).json().get("status").asText())
        .isEqualTo("ACTIVE");

    // It is back, and bob is no longer in sre there: the next refresh ends the session.
    refreshAnswer.set(null);
    bobAtTheProvider.groups = List.of("dev");
    server.clock.advance(OidcSettings.DEFAULT_GROUPS_REFRESH.plusMinutes(1));
    JsonNode ended = awaitEnded(session);
    assertThat(ended.get("endReason").asText())
        .contains("groups or role of bob changed at the identity provider (refresh)");
    assertThat(bob.get("/api/v1/accounts").expect(200).json().get("items")).isEmpty();
    assertThat(server.admin.get("/api/v1/users/bob").json().get("groups").toString())
        .isEqualTo("[\"dev\"]");
  }

  @Test
  void aRefreshTheProviderRefusesEndsTheUsersSessionsAndSignIns() throws Exception {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "group:sre"))
        .expect(200);
    idp.enqueueCallback(new ChangingPerson("sub-bob", "bob", List.of("sre")));
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    Api bob = redeem(cliSignInAs(verifier, "http://127.0.0.1:" + freePort() + "/"), verifier);
    String session = Fixtures.openSession(bob, "prod", "admin", "1h");

    refreshAnswer.set("invalid_grant");
    server.clock.advance(OidcSettings.DEFAULT_GROUPS_REFRESH.plusMinutes(1));
    JsonNode ended = awaitEnded(session);
    assertThat(ended.get("endReason").asText())
        .contains("the identity provider no longer vouches for bob");
    bob.get("/api/v1/accounts").expectError(401, "unauthenticated");
    assertThat(server.admin.get("/api/v1/audit?action=user.sso.refresh_refused").body())
        .contains("user:bob", "invalid_grant")
        .doesNotContain("refresh_token=");
  }

  @Test
  void aDeviceSignInWhereTheProviderHasNoneSaysWhatToDoInstead() {
    assertThat(
            server
                .anonymous
                .post("/api/v1/auth/sso/device", null)
                .expectError(409, "sso_device_unsupported")
                .message())
        .contains("does not offer sign-in from another device")
        .contains("kpam login --sso on a machine with a browser");
    server
        .anonymous
        .post("/api/v1/auth/sso/device/token", Map.of())
        .expectError(400, "invalid_argument");
  }

  private JsonNode awaitEnded(String session) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      JsonNode view = server.admin.get("/api/v1/sessions/" + session).expect(200).json();
      if (!view.get("status").asText().equals("ACTIVE")) {
        return view;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("session " + session + " still active after 10 s");
  }

  private String cliSignInAs(String verifier, String loopback) {
    JsonNode started =
        server
            .anonymous
            .post(
                "/api/v1/auth/sso/start",
                Map.of("redirectUri", loopback, "codeChallenge", s256(verifier)))
            .expect(200)
            .json();
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page back = browser.get(started.get("authorizationUrl").asText());
    URI handoff =
        URI.create(
            browser
                .get(back.headers().firstValue("Location").orElseThrow())
                .headers()
                .firstValue("Location")
                .orElseThrow());
    return URLDecoder.decode(handoff.getQuery().substring(5), StandardCharsets.UTF_8);
  }

  private Api redeem(String code, String verifier) {
    JsonNode login =
        server
            .anonymous
            .post("/api/v1/auth/sso/token", Map.of("code", code, "codeVerifier", verifier))
            .expect(200)
            .json();
    return server.anonymous.withToken(login.get("token").asText());
  }

  @Test
  void passwordSignInIsOffForEveryoneButTheBreakGlassAdmin() {
    server
        .admin
        .post(
            "/api/v1/users",
            Map.of("name", "carol", "role", "member", "password", "carol-password-123"))
        .expect(201);
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page form = browser.get("/ui/login").expect(200);
    assertThat(form.html()).contains("Break-glass sign-in");

    String html =
        browser
            .post(
                "/ui/login",
                Map.of("_csrf", form.csrf(), "username", "carol", "password", "carol-password-123"))
            .expect(403)
            .html();
    assertThat(html).contains("password sign-in is off on this server; sign in with Corp IdP");
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "carol", "password", "carol-password-123"))
        .expectError(403, "password_sign_in_off");
    FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  @Test
  void aReplayedCallbackAnUnknownStateAndAnotherBrowserAreRefused() {
    nextSignIn("sub-alice", person("alice", List.of()));
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page toIdp = browser.get("/ui/login/sso");
    FormClient.Page back = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
    String callback = back.headers().firstValue("Location").orElseThrow();

    // The same callback in a browser without the sign-in's cookie (login CSRF).
    FormClient other = new FormClient(server.server.url());
    assertThat(other.get(callback).expect(401).html())
        .contains("this sign-in was started in another browser");
    // The state is spent now, for this browser too: a replayed code never signs anyone in.
    assertThat(browser.get(callback).expect(400).html())
        .contains("unknown, expired or was already used (state)");
    assertThat(browser.get("/ui/sso/callback?state=forged&code=x").expect(400).html())
        .contains("start the sign-in again");
    assertThat(server.admin.get("/api/v1/users").expect(200).body()).doesNotContain("alice");
    assertThat(auditDetails("auth.sso.failed"))
        .anySatisfy(d -> assertThat(d).contains("browser"))
        .anySatisfy(d -> assertThat(d).contains("state"));
  }

  @Test
  void anIdTokenForAnotherAudienceOrExpiredIsRefusedWithWhy() {
    FormClient browser = new FormClient(server.server.url());
    String callback =
        callbackOfAStartedSignIn(
            browser, nonce -> providerSigned(List.of("another-client"), 3600, nonce));
    assertThat(browser.get(callback).expect(401).html())
        .contains("it was issued for another client (aud)");

    callback =
        callbackOfAStartedSignIn(
            browser, nonce -> providerSigned(List.of(CLIENT_ID), -3600, nonce));
    assertThat(browser.get(callback).expect(401).html()).contains("it has expired");

    callback =
        callbackOfAStartedSignIn(
            browser, nonce -> providerSigned(List.of(CLIENT_ID), 3600, "other"));
    assertThat(browser.get(callback).expect(401).html())
        .contains("its nonce does not match this sign-in");
    assertThat(server.admin.get("/api/v1/users").expect(200).body()).doesNotContain("alice");
    assertThat(auditDetails("auth.sso.failed")).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void anIdTokenSignedWithAKeyTheProviderDoesNotPublishIsRefused() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-published").generate();
    FormClient browser = new FormClient(server.server.url());
    String callback =
        callbackOfAStartedSignIn(
            browser,
            nonce -> {
              SignedJWT forged =
                  new SignedJWT(
                      new JWSHeader.Builder(JWSAlgorithm.RS256)
                          .keyID("not-published")
                          .type(JOSEObjectType.JWT)
                          .build(),
                      new JWTClaimsSet.Builder()
                          .issuer(idp.issuerUrl(ISSUER_ID).toString())
                          .audience(CLIENT_ID)
                          .subject("sub-mallory")
                          .claim("preferred_username", "mallory")
                          .claim("nonce", nonce)
                          .issueTime(new Date())
                          .expirationTime(new Date(System.currentTimeMillis() + 600_000))
                          .build());
              try {
                forged.sign(new RSASSASigner(stranger));
              } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
              }
              return forged.serialize();
            });

    String html = browser.get(callback).expect(401).html();

    assertThat(html).contains("signature does not verify against the identity provider");
    assertThat(server.admin.get("/api/v1/users").expect(200).body()).doesNotContain("mallory");
  }

  @Test
  void aProviderThatIsDownIsSaidToBeDownNeverAWrongPassword() throws Exception {
    server.close();
    server = kpamWith(settings(URI.create("http://127.0.0.1:" + freePort() + "/corp"), null));
    FormClient browser = new FormClient(server.server.url());
    browser.get("/ui/login").expect(200);

    String html = browser.get("/ui/login/sso").expect(502).html();

    assertThat(html)
        .contains("cannot reach the identity provider Corp IdP")
        .contains("this is not a refused sign-in")
        .doesNotContain("wrong user name or password");
    assertThat(auditDetails("auth.sso.failed")).contains("idp_unreachable");
    server
        .anonymous
        .post(
            "/api/v1/auth/sso/start",
            Map.of("redirectUri", "http://127.0.0.1:1/", "codeChallenge", s256("v".repeat(43))))
        .expectError(502, "sso_idp_unreachable");
  }

  @Test
  void theCliMayOnlySendTheBrowserToALoopbackAddress() throws Exception {
    for (String redirect :
        List.of(
            "https://evil.example.com/cb", "http://evil.example.com:80/", "http://127.0.0.1/")) {
      server
          .anonymous
          .post(
              "/api/v1/auth/sso/start",
              Map.of("redirectUri", redirect, "codeChallenge", s256("v".repeat(43))))
          .expectError(400, "invalid_argument");
    }
  }

  private List<String> auditActions() {
    return server
        .admin
        .get("/api/v1/audit?limit=1000")
        .expect(200)
        .json()
        .get("items")
        .findValuesAsText("action");
  }

  private List<String> auditDetails(String action) {
    List<String> details = new java.util.ArrayList<>();
    for (JsonNode event :
        server.admin.get("/api/v1/audit?limit=1000").expect(200).json().get("items")) {
      if (event.get("action").asText().equals(action)) {
        details.add(event.path("details").asText());
      }
    }
    return details;
  }

  private static String query(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError(name + " not in " + uri);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
