package dev.kpam.server.ui;

import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.mfa.MfaFactorView;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.mfa.StepUp;
import dev.kpam.server.ui.UiPages.StepUpPage;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The page step-up answers an admin's change with: a code field and, where the admin has a passkey,
 * the passkey button; each form posts back to the change's own URL with the change's fields, so
 * that a confirmed factor carries the change through. Secret fields (passwords, tokens, keys) are
 * never written into the page: the page says they must be typed again.
 */
final class StepUpPrompt {
  static final String CODE_FIELD = "_stepup_code";
  static final String CEREMONY_FIELD = "_stepup_ceremony";
  static final String CREDENTIAL_FIELD = "credential";
  private static final Set<String> OWN_FIELDS =
      Set.of(CODE_FIELD, CEREMONY_FIELD, CREDENTIAL_FIELD);

  /** Fields never written back into a page: the change goes on without them, and says so. */
  private static final Pattern SECRET_FIELD =
      Pattern.compile("(?i).*(password|token|secret|key).*");

  private final StepUp stepUp;
  private final SecondFactors factors;

  StepUpPrompt(StepUp stepUp, SecondFactors factors) {
    this.stepUp = stepUp;
    this.factors = factors;
  }

  void render(UiKit kit, Context ctx, Principal me, String error) {
    List<String> kinds =
        factors.factors(me).stream()
            .filter(MfaFactorView::confirmed)
            .map(MfaFactorView::kind)
            .toList();
    List<UiPages.FormField> fields = new ArrayList<>();
    boolean secretsLeftOut = false;
    for (Map.Entry<String, List<String>> field : ctx.formParamMap().entrySet()) {
      if (OWN_FIELDS.contains(field.getKey())) {
        continue;
      }
      if (SECRET_FIELD.matcher(field.getKey()).matches()) {
        secretsLeftOut |= field.getValue().stream().anyMatch(v -> !v.isEmpty());
        continue;
      }
      field.getValue().forEach(v -> fields.add(new UiPages.FormField(field.getKey(), v)));
    }
    String ceremony = null;
    String options = null;
    if (kinds.contains("webauthn")) {
      ceremony = factors.passkeys().startConfirmation(me).id();
      options = factors.passkeys().confirmation(ceremony).optionsJson();
    }
    kit.render(
        ctx,
        403,
        "step-up.jte",
        new StepUpPage(
            kit.chrome(ctx, me),
            ctx.path(),
            fields,
            kinds.contains("totp"),
            ceremony,
            options,
            kinds.isEmpty(),
            secretsLeftOut,
            GoDuration.format(stepUp.window()),
            error));
  }
}
