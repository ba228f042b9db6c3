package dev.kpam.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kpam as an OpenID Connect relying party, with Nimbus {@code oauth2-oidc-sdk}: the provider's
 * metadata from discovery (fetched on first use and again after a failure, so that a provider that
 * is down when kpam starts does not keep SSO off), the authorization code flow with PKCE, {@code
 * state} and {@code nonce}, and full validation of the ID token: signature against the provider's
 * JWKS (fetched again when a token names a key it has not seen: key rotation), {@code iss}, {@code
 * aud}, {@code exp}, {@code iat} with 60 s of skew, and {@code nonce}.
 *
 * <p>Every failure is an {@link SsoException} whose message a person can act on; a provider that
 * cannot be reached says so and never reads as a refused sign-in.
 */
final class OidcProvider {
  static final int CLOCK_SKEW_SECONDS = 60;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 10_000;
  private static final Set<JWSAlgorithm> SIGNATURES =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.EdDSA);

  /** The token endpoint's answers to a device code that are not failures of kpam (RFC 8628). */
  private static final java.util.Map<String, String> DEVICE_MESSAGES =
      java.util.Map.of(
          "authorization_pending", "waiting for the person to sign in on the other device",
          "slow_down", "asked too often; asking less often",
          "expired_token",
              "the device sign-in expired before it was finished; run kpam login again",
          "access_denied", "the sign-in was declined on the other device");

  private static final Set<String> DEVICE_STATES = DEVICE_MESSAGES.keySet();

  private final OidcSettings settings;
  private final ClientID clientId;
  private volatile Discovered discovered;

  /** What discovery gave: the endpoints and a validator over the provider's keys. */
  private record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator) {}

  /** A sign-in started here: where to send the browser, and what the answer must match. */
  record Started(URI authorizationUrl, String state, String nonce, String codeVerifier) {}

  /**
   * Who the provider says signed in, from a validated ID token, and the refresh token it gave
   * (null: none) to ask again later.
   */
  record Identity(String issuer, String subject, IDTokenClaimsSet claims, String refreshToken) {
    @Override
    public String toString() {
      return "Identity[issuer=" + issuer + ", subject=" + subject + ", refreshToken=<redacted>]";
    }
  }

  OidcProvider(OidcSettings settings) {
    this.settings = settings;
    this.clientId = new ClientID(settings.clientId());
  }

  OidcSettings settings() {
    return settings;
  }

  /** An authorization request for {@code redirectUri}, with fresh state, nonce and PKCE. */
  Started start(URI redirectUri) {
    OIDCProviderMetadata metadata = discovered().metadata();
    State state = new State(32);
    Nonce nonce = new Nonce(32);
    CodeVerifier verifier = new CodeVerifier();
    Scope scope = new Scope("openid");
    settings.scopes().forEach(scope::add);
    URI url =
        new AuthenticationRequest.Builder(new ResponseType("code"), scope, clientId, redirectUri)
            .endpointURI(metadata.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    return new Started(url, state.getValue(), nonce.getValue(), verifier.getValue());
  }

  /**
   * Redeems {@code code} at the token endpoint and validates the ID token it returns against {@code
   * nonce}.
   */
  Identity redeem(String code, URI redirectUri, String codeVerifier, String nonce) {
    Discovered provider = discovered();
    TokenRequest request =
        new TokenRequest(
            provider.metadata().getTokenEndpointURI(),
            new ClientSecretBasic(clientId, new Secret(settings.clientSecret())),
            new AuthorizationCodeGrant(
                new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier)));
    OIDCTokens tokens = send(request, "code_refused", "the sign-in code", "sign in again");
    return identity(provider, tokens, new Nonce(nonce));
  }

  /** A device sign-in under way at the provider (RFC 8628): what the person is told to do. */
  record DeviceStarted(
      String deviceCode,
      String userCode,
      URI verificationUri,
      URI verificationUriComplete,
      long expiresIn,
      long interval) {
    @Override
    public String toString() {
      return "DeviceStarted[userCode=" + userCode + ", deviceCode=<redacted>]";
    }
  }

  /**
   * Starts the device authorization grant (RFC 8628) for a machine without a browser; refuses with
   * {@code device_unsupported} where the provider does not offer it.
   */
  DeviceStarted startDevice() {
    OIDCProviderMetadata metadata = discovered().metadata();
    URI endpoint = metadata.getDeviceAuthorizationEndpointURI();
    if (endpoint == null) {
      throw new SsoException(
          "device_unsupported",
          "the identity provider "
              + settings.providerName()
              + " does not offer sign-in from another device (no device_authorization_endpoint);"
              + " run kpam login --sso on a machine with a browser");
    }
    Scope scope = new Scope("openid");
    settings.scopes().forEach(scope::add);
    HTTPRequest http =
        new DeviceAuthorizationRequest(
                endpoint,
                new ClientSecretBasic(clientId, new Secret(settings.clientSecret())),
                scope,
                null)
            .toHTTPRequest();
    http.setConnectTimeout(CONNECT_TIMEOUT_MS);
    http.setReadTimeout(READ_TIMEOUT_MS);
    DeviceAuthorizationResponse response;
    try {
      response = DeviceAuthorizationResponse.parse(http.send());
    } catch (IOException e) {
      throw SsoException.unreachable(settings, "its device authorization endpoint", e);
    } catch (ParseException e) {
      throw new SsoException(
          "idp_answer",
          "the identity provider's device authorization endpoint gave an answer kpam cannot read: "
              + e.getMessage());
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      throw new SsoException(
          "device_refused",
          "the identity provider refused to start a device sign-in ("
              + (error.getCode() == null ? "HTTP " + error.getHTTPStatusCode() : error.getCode())
              + (error.getDescription() == null ? "" : ": " + error.getDescription())
              + ")");
    }
    DeviceAuthorizationSuccessResponse started = response.toSuccessResponse();
    return new DeviceStarted(
        started.getDeviceCode().getValue(),
        started.getUserCode().getValue(),
        started.getVerificationURI(),
        started.getVerificationURIComplete(),
        started.getLifetime(),
        started.getInterval() > 0 ? started.getInterval() : 5);
  }

  /**
   * Asks whether the person finished the device sign-in of {@code deviceCode}: the identity once
   * they did; {@code authorization_pending} or {@code slow_down} while they have not, {@code
   * expired_token} or {@code access_denied} when they never will.
   */
  Identity pollDevice(String deviceCode) {
    Discovered provider = discovered();
    TokenRequest request =
        new TokenRequest(
            provider.metadata().getTokenEndpointURI(),
            new ClientSecretBasic(clientId, new Secret(settings.clientSecret())),
            new DeviceCodeGrant(new DeviceCode(deviceCode)));
    OIDCTokens tokens =
        send(request, "device_refused", "the device sign-in", "run kpam login again");
    return identity(provider, tokens, null);
  }

  /**
   * Asks the provider again about a signed-in user with the refresh token of their sign-in; the
   * answer's identity is null where the provider sends no new ID token. A provider that no longer
   * vouches for the user throws {@code refresh_refused}; one that cannot be reached, {@code
   * idp_unreachable}.
   */
  Identity refresh(String refreshToken) {
    Discovered provider = discovered();
    TokenRequest request =
        new TokenRequest(
            provider.metadata().getTokenEndpointURI(),
            new ClientSecretBasic(clientId, new Secret(settings.clientSecret())),
            new RefreshTokenGrant(new RefreshToken(refreshToken)));
    OIDCTokens tokens =
        send(request, "refresh_refused", "the sign-in's refresh token", "sign in again");
    String next =
        tokens.getRefreshToken() == null ? refreshToken : tokens.getRefreshToken().getValue();
    if (tokens.getIDToken() == null) {
      return new Identity(null, null, null, next);
    }
    Identity identity = identity(provider, tokens, null);
    return new Identity(identity.issuer(), identity.subject(), identity.claims(), next);
  }

  private OIDCTokens send(TokenRequest request, String refusal, String what, String then) {
    HTTPRequest http = request.toHTTPRequest();
    http.setConnectTimeout(CONNECT_TIMEOUT_MS);
    http.setReadTimeout(READ_TIMEOUT_MS);
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(http.send());
    } catch (IOException e) {
      throw SsoException.unreachable(settings, "its token endpoint", e);
    } catch (ParseException e) {
      throw new SsoException(
          "idp_answer",
          "the identity provider's token endpoint gave an answer that is not an OpenID Connect"
              + " token response: "
              + e.getMessage());
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      if (error.getHTTPStatusCode() >= 500) {
        // The provider failing is not the provider refusing: nothing is taken away for it.
        throw new SsoException(
            "idp_unreachable",
            "the identity provider "
                + settings.providerName()
                + " failed (its token endpoint answered HTTP "
                + error.getHTTPStatusCode()
                + "); this is not a refused sign-in: try again when it is back, or ask an admin");
      }
      String code = error.getCode() == null ? "" : error.getCode();
      if (DEVICE_STATES.contains(code)) {
        throw new SsoException(code, DEVICE_MESSAGES.get(code));
      }
      throw new SsoException(
          refusal,
          "the identity provider refused "
              + what
              + " ("
              + (error.getCode() == null ? "HTTP " + error.getHTTPStatusCode() : error.getCode())
              + (error.getDescription() == null ? "" : ": " + error.getDescription())
              + "); "
              + then);
    }
    return ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens();
  }

  /** The validated identity of {@code tokens}' ID token; {@code nonce} null where none is sent. */
  private Identity identity(Discovered provider, OIDCTokens tokens, Nonce nonce) {
    JWT idToken = tokens.getIDToken();
    if (idToken == null) {
      throw new SsoException("id_token", "the identity provider returned no ID token");
    }
    String refreshToken =
        tokens.getRefreshToken() == null ? null : tokens.getRefreshToken().getValue();
    try {
      IDTokenClaimsSet claims = provider.validator().validate(idToken, nonce);
      return new Identity(
          claims.getIssuer().getValue(), claims.getSubject().getValue(), claims, refreshToken);
    } catch (BadJWTException e) {
      throw new SsoException("id_token", "the ID token was refused: " + readable(e.getMessage()));
    } catch (BadJOSEException e) {
      throw new SsoException(
          "id_token",
          "the ID token's signature does not verify against the identity provider's published"
              + " keys ("
              + e.getMessage()
              + ")");
    } catch (JOSEException e) {
      throw SsoException.unreachable(settings, "its signing keys (JWKS)", e);
    }
  }

  private Discovered discovered() {
    Discovered known = discovered;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (discovered == null) {
        discovered = discover();
      }
      return discovered;
    }
  }

  private Discovered discover() {
    OIDCProviderMetadata metadata;
    try {
      metadata =
          OIDCProviderMetadata.resolve(
              new Issuer(settings.issuer()), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
    } catch (IOException e) {
      throw SsoException.unreachable(settings, "its discovery document", e);
    } catch (GeneralException e) {
      throw new SsoException(
          "idp_answer",
          "the identity provider's discovery document at "
              + settings.issuer()
              + "/.well-known/openid-configuration is not usable: "
              + e.getMessage());
    }
    try {
      URL jwks = metadata.getJWKSetURI().toURL();
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.create(
                  jwks, new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, 1 << 20))
              .retrying(true)
              .build();
      Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
      List<JWSAlgorithm> offered =
          metadata.getIDTokenJWSAlgs() == null ? List.of() : metadata.getIDTokenJWSAlgs();
      for (JWSAlgorithm algorithm : offered) {
        if (SIGNATURES.contains(algorithm)) {
          algorithms.add(algorithm);
        }
      }
      if (algorithms.isEmpty()) {
        algorithms.add(JWSAlgorithm.RS256); // what OpenID Connect Core requires providers to offer
      }
      IDTokenValidator validator =
          new IDTokenValidator(
              metadata.getIssuer(),
              clientId,
              new JWSVerificationKeySelector<>(algorithms, keys),
              null);
      validator.setMaxClockSkew(CLOCK_SKEW_SECONDS);
      return new Discovered(metadata, validator);
    } catch (IOException | RuntimeException e) {
      throw new SsoException(
          "idp_answer",
          "the identity provider's discovery document has no usable jwks_uri: " + e.getMessage());
    }
  }

  /** Nimbus's claim messages, said for a person. */
  private static String readable(String message) {
    if (message == null) {
      return "invalid";
    }
    List<String> parts = new ArrayList<>();
    String lower = message.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("expired")) parts.add("it has expired (check the clocks)");
    if (lower.contains("audience")) parts.add("it was issued for another client (aud)");
    if (lower.contains("issuer")) parts.add("it was issued by another provider (iss)");
    if (lower.contains("nonce")) parts.add("its nonce does not match this sign-in");
    if (lower.contains("iat") || lower.contains("issue time"))
      parts.add("its issue time is wrong (check the clocks)");
    return parts.isEmpty() ? message : String.join("; ", parts) + " [" + message + "]";
  }
}
