package dev.kpam.server.ui;

import dev.kpam.protocol.resources.ResourceView;
import java.util.List;
import java.util.Map;

/**
 * What each web UI template shows. Public only because the precompiled templates live in jte's
 * generated package; nothing outside the UI builds these.
 *
 * <pre>{@code
 * templates.render(ctx, 200, "login.jte", new UiPages.Login(csrf, "alice", "wrong user name or password"));
 * }</pre>
 */
public final class UiPages {
  private UiPages() {}

  /** The frame around every signed-in page: who is signed in and the session's CSRF token. */
  public record Chrome(String user, boolean admin, String csrf) {}

  /**
   * The sign-in page; {@code sso} names the identity provider's button (null: none), and {@code
   * passwordsOff} folds the password form away as the break-glass sign-in.
   */
  public record Login(
      String csrf, String username, String error, String sso, boolean passwordsOff) {}

  /** After a single sign-on: the session cookie is set; the page moves on to {@code next}. */
  public record SignedIn(String user, String next) {}

  /** The signed-in user's second factors. */
  public record SecurityPage(Chrome chrome, List<dev.kpam.protocol.mfa.MfaFactorView> factors) {}

  /** Enrolling an authenticator app: its QR code (inline SVG) and secret, and the code field. */
  public record TotpSetup(
      Chrome chrome, String factorId, String secret, String qrSvg, String error) {}

  /**
   * Registering a passkey: the ceremony and its options for {@code navigator.credentials.create}.
   */
  public record PasskeySetup(Chrome chrome, String ceremonyId, String optionsJson, String error) {}

  /**
   * The page {@code kpam k8s access} opens for a passkey confirmation (no sign-in: the ceremony id
   * in its URL is the secret); {@code confirmed} once the passkey answered.
   */
  public record PasskeyConfirmation(
      String ceremonyId, String user, String optionsJson, boolean confirmed, String error) {}

  /** A field of a form, carried through a step-up page. */
  public record FormField(String name, String value) {}

  /**
   * Step-up: an admin's change waits for a second factor. {@code action} is the change's URL and
   * {@code fields} its form; {@code passkeyCeremony} is set where the admin has a passkey, {@code
   * noFactor} where they have no factor at all; {@code secretsLeftOut} where the form had a secret
   * field, which is not carried.
   */
  public record StepUpPage(
      Chrome chrome,
      String action,
      List<FormField> fields,
      boolean totp,
      String passkeyCeremony,
      String passkeyOptionsJson,
      boolean noFactor,
      boolean secretsLeftOut,
      String window,
      String error) {}

  /** The recovery codes of a confirmed factor, shown once. */
  public record RecoveryCodesPage(Chrome chrome, List<String> codes) {}

  public record ErrorPage(Chrome chrome, int status, String title, String message) {}

  public record ResourceList(Chrome chrome, List<ResourceView> resources) {}

  /** The create or edit form, with what was typed and the message for each field in error. */
  public record ResourceEditor(
      Chrome chrome,
      boolean editing,
      ResourceForm form,
      List<String> gateways,
      Map<String, String> errors,
      String formError) {
    public String error(String field) {
      return errors.get(field);
    }
  }

  /** The fields of the resource form as typed (or as stored, when editing). */
  public record ResourceForm(
      String name, String url, String gateway, String caCert, String serverName, boolean insecure) {
    static ResourceForm empty() {
      return new ResourceForm("", "", "", "", "", false);
    }

    static ResourceForm of(ResourceView view) {
      return new ResourceForm(
          view.name(),
          view.url(),
          view.gateway(),
          view.caCert() == null ? "" : view.caCert(),
          view.serverName() == null ? "" : view.serverName(),
          view.insecureSkipTlsVerify());
    }
  }

  public record ResourceDelete(Chrome chrome, String name, String error) {}
}
