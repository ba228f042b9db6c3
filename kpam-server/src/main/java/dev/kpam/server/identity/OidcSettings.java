package dev.kpam.server.identity;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How kpam signs people in through an OpenID Connect provider (docs/IDENTITY.md). Built by {@code
 * kpam server} from its {@code --oidc-*} flags (the client secret from a file or the environment,
 * never a flag value) and by tests.
 *
 * @param issuer the provider's issuer URL; its {@code .well-known/openid-configuration} gives the
 *     endpoints and keys
 * @param clientId kpam's client id at the provider
 * @param clientSecret kpam's client secret (confidential client, {@code client_secret_basic})
 * @param providerName what the sign-in button says ("Sign in with Okta")
 * @param scopes asked for besides {@code openid}
 * @param usernameClaim the claim that gives the kpam user name ({@code preferred_username}; an
 *     e-mail address is cut at the {@code @})
 * @param nameClaim the display name ({@code name})
 * @param emailClaim the e-mail address ({@code email})
 * @param groupsClaim the groups, a list of strings or one string ({@code groups})
 * @param adminGroup members of this group are admins, everyone else a member; null: every SSO user
 *     is a member until an admin changes that
 * @param breakGlassUser when not null, password sign-in is off for everyone but this local user
 * @param groupsRefresh how often the groups and role of a user who can act (an open session or a
 *     live token) are read again from the provider with the refresh token of their sign-in (null:
 *     15 minutes); providers give refresh tokens for the {@code offline_access} scope or always
 */
public record OidcSettings(
    URI issuer,
    String clientId,
    String clientSecret,
    String providerName,
    List<String> scopes,
    String usernameClaim,
    String nameClaim,
    String emailClaim,
    String groupsClaim,
    String adminGroup,
    String breakGlassUser,
    Duration groupsRefresh) {
  public static final List<String> DEFAULT_SCOPES = List.of("profile", "email");
  public static final Duration DEFAULT_GROUPS_REFRESH = Duration.ofMinutes(15);

  public OidcSettings {
    if (issuer == null || !issuer.isAbsolute() || issuer.getHost() == null) {
      throw new IllegalArgumentException(
          "OIDC issuer: "
              + issuer
              + " (expected: an absolute URL such as https://idp.example.com)");
    }
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("OIDC client id: missing");
    }
    if (clientSecret == null || clientSecret.isBlank()) {
      throw new IllegalArgumentException(
          "OIDC client secret: missing (expected: --oidc-client-secret-file or"
              + " KPAM_OIDC_CLIENT_SECRET)");
    }
    providerName = blankTo(providerName, issuer.getHost());
    scopes = scopes == null ? DEFAULT_SCOPES : List.copyOf(scopes);
    usernameClaim = blankTo(usernameClaim, "preferred_username");
    nameClaim = blankTo(nameClaim, "name");
    emailClaim = blankTo(emailClaim, "email");
    groupsClaim = blankTo(groupsClaim, "groups");
    adminGroup = blankTo(adminGroup, null);
    breakGlassUser = blankTo(breakGlassUser, null);
    groupsRefresh = groupsRefresh == null ? DEFAULT_GROUPS_REFRESH : groupsRefresh;
    if (groupsRefresh.compareTo(Duration.ofMinutes(1)) < 0
        || groupsRefresh.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "OIDC groups refresh: " + groupsRefresh + " (expected: between 1m and 24h)");
    }
  }

  /** Whether {@code user} may sign in with a password. */
  public boolean allowsPassword(String user) {
    return breakGlassUser == null || breakGlassUser.equals(user);
  }

  private static String blankTo(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  @Override
  public String toString() {
    return "OidcSettings[issuer="
        + issuer
        + ", clientId="
        + clientId
        + ", clientSecret=<redacted>, providerName="
        + providerName
        + ", adminGroup="
        + adminGroup
        + ", breakGlassUser="
        + breakGlassUser
        + "]";
  }
}
