package dev.kpam.app;

import dev.kpam.protocol.GoDuration;
import dev.kpam.server.identity.OidcSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --oidc-*} flags of {@code kpam server}: single sign-on through an OpenID Connect
 * provider (docs/IDENTITY.md). The client secret comes from a file or {@code
 * KPAM_OIDC_CLIENT_SECRET}, never from a flag value.
 */
final class OidcOptions {
  @Option(
      names = "--oidc-issuer",
      paramLabel = "URL",
      description =
          "Sign people in through this OpenID Connect provider (its issuer URL; the endpoints come"
              + " from .well-known/openid-configuration). The redirect URI to register there is"
              + " <public URL>/ui/sso/callback.")
  URI issuer;

  @Option(names = "--oidc-client-id", paramLabel = "ID", description = "kpam's client id there.")
  String clientId;

  @Option(
      names = "--oidc-client-secret-file",
      paramLabel = "FILE",
      description = "File with kpam's client secret (or set KPAM_OIDC_CLIENT_SECRET).")
  Path clientSecretFile;

  @Option(
      names = "--oidc-client-secret",
      hidden = true,
      defaultValue = "${env:KPAM_OIDC_CLIENT_SECRET}")
  String clientSecret;

  @Option(
      names = "--oidc-provider-name",
      paramLabel = "NAME",
      description = "What the sign-in button says: Sign in with NAME (default: the issuer's host).")
  String providerName;

  @Option(
      names = "--oidc-scopes",
      split = ",",
      paramLabel = "SCOPE",
      description = "Scopes besides openid (default: profile,email; add groups where needed).")
  List<String> scopes;

  @Option(
      names = "--oidc-claim-username",
      paramLabel = "CLAIM",
      description = "The claim of the kpam user name (default: preferred_username).")
  String usernameClaim;

  @Option(
      names = "--oidc-claim-name",
      paramLabel = "CLAIM",
      description = "The display name (default: name).")
  String nameClaim;

  @Option(
      names = "--oidc-claim-email",
      paramLabel = "CLAIM",
      description = "The e-mail address (default: email).")
  String emailClaim;

  @Option(
      names = "--oidc-claim-groups",
      paramLabel = "CLAIM",
      description = "The groups, a list of strings (default: groups).")
  String groupsClaim;

  @Option(
      names = "--oidc-admin-group",
      paramLabel = "GROUP",
      description =
          "Members of this group are kpam admins, everyone else a member (taken at each sign-in).")
  String adminGroup;

  @Option(
      names = "--break-glass-user",
      paramLabel = "USER",
      description = "With --oidc-issuer: password sign-in is off for everyone but this local user.")
  String breakGlassUser;

  /** The settings of the flags, or null when {@code --oidc-issuer} is not given. */
  @Option(
      names = "--oidc-groups-refresh",
      paramLabel = "DURATION",
      description =
          "How often the groups of people who can act are read again with their sign-in's"
              + " refresh token (default 15m); ask for offline_access in --oidc-scopes where the"
              + " provider gives refresh tokens only then.")
  String groupsRefresh;

  OidcSettings settings() {
    if (issuer == null) {
      if (clientId != null || breakGlassUser != null || adminGroup != null) {
        throw new IllegalArgumentException(
            "--oidc-client-id, --oidc-admin-group and --break-glass-user need --oidc-issuer");
      }
      return null;
    }
    return new OidcSettings(
        issuer,
        clientId,
        SecretFlags.read("--oidc-client-secret-file", clientSecretFile, clientSecret),
        providerName,
        scopes,
        usernameClaim,
        nameClaim,
        emailClaim,
        groupsClaim,
        adminGroup,
        breakGlassUser,
        groupsRefresh == null ? null : GoDuration.parse(groupsRefresh));
  }
}
