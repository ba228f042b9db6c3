package dev.kpam.server.ui;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.policy.WhatIfReport;
import dev.kpam.protocol.policy.WhatIfRequest;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.policy.WhatIf;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The policy editor of an account (admins): the policy as YAML (JSON is YAML too), saved through
 * the same validation as the API with its message next to the field, and what-if on the draft
 * without saving it.
 *
 * <pre>{@code
 * PolicyPages.register(app, kit, accounts, whatIf);
 * // GET and POST /ui/resources/prod/accounts/admin/policy
 * }</pre>
 */
public final class PolicyPages {
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private static final String EXAMPLE =
      """
      # First match wins; what no rule matches is denied. Or just: preset: read-only
      rules:
        - effect: deny
          verbs: [get, list, watch]
          resources: [secrets]
        - effect: allow
          verbs: [get, list, watch, log]
      """;

  private final UiKit kit;
  private final Accounts accounts;
  private final WhatIf whatIf;

  private PolicyPages(UiKit kit, Accounts accounts, WhatIf whatIf) {
    this.kit = kit;
    this.accounts = accounts;
    this.whatIf = whatIf;
  }

  static void register(Javalin app, UiKit kit, Accounts accounts, WhatIf whatIf) {
    PolicyPages pages = new PolicyPages(kit, accounts, whatIf);
    String path = "/ui/resources/{resource}/accounts/{account}/policy";
    app.get(path, kit.page(pages::show));
    app.post(path, kit.page(pages::submit));
  }

  /**
   * The editor: the text in the field, its error, whether it was just saved, and a what-if report
   * of the draft when one was asked for.
   */
  public record PolicyEditor(
      Chrome chrome,
      String resource,
      String account,
      String current,
      String text,
      String since,
      String error,
      boolean saved,
      WhatIfReport report) {
    public String example() {
      return EXAMPLE;
    }

    public List<String> presets() {
      return KubePolicy.PRESETS;
    }

    public String path() {
      return "/ui/resources/" + resource + "/accounts/" + account + "/policy";
    }
  }

  private void show(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    render(
        ctx,
        me,
        200,
        account,
        yaml(account.policy()),
        "7d",
        null,
        "saved".equals(ctx.queryParam("done")),
        null);
  }

  private void submit(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    String text = ctx.formParam("policy") == null ? "" : ctx.formParam("policy");
    String action = String.valueOf(ctx.formParam("action"));
    String since = UiKit.text(ctx, "since").isEmpty() ? "7d" : UiKit.text(ctx, "since");
    try {
      if (action.equals("remove")) {
        accounts.update(account.resource(), account.name(), request(null, "none"), me.actor());
        ctx.redirect(editorPath(account) + "?done=saved", HttpStatus.SEE_OTHER);
        return;
      }
      KubePolicy draft = parse(text);
      if (action.equals("what-if")) {
        WhatIfReport report =
            whatIf.replay(
                account.resource(), account.name(), new WhatIfRequest(draft, null, since));
        render(ctx, me, 200, account, text, since, null, false, report);
        return;
      }
      accounts.update(account.resource(), account.name(), request(draft, null), me.actor());
      ctx.redirect(editorPath(account) + "?done=saved", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw e;
      }
      render(ctx, me, 400, account, text, since, e.getMessage(), false, null);
    }
  }

  private void render(
      Context ctx,
      Principal me,
      int status,
      AccountView account,
      String text,
      String since,
      String error,
      boolean saved,
      WhatIfReport report) {
    kit.render(
        ctx,
        status,
        "policy-form.jte",
        new PolicyEditor(
            kit.chrome(ctx, me),
            account.resource(),
            account.name(),
            summary(account.policy()),
            text,
            since,
            error,
            saved,
            report));
  }

  /** The preset, "custom (N rules)", or "none". */
  static String summary(KubePolicy policy) {
    if (policy == null) {
      return "none: sessions may do all the service account may";
    }
    return policy.preset() != null
        ? "preset " + policy.preset()
        : "custom, " + policy.rules().size() + " rules";
  }

  private static AccountRequest request(KubePolicy policy, String preset) {
    return new AccountRequest(null, null, null, null, null, null, policy, preset, null);
  }

  /** The field as a policy; an empty field is no policy. */
  private static KubePolicy parse(String text) {
    if (text.isBlank()) {
      return new KubePolicy(null, List.of());
    }
    try {
      KubePolicy policy = YAML.readValue(text, KubePolicy.class);
      if (policy == null) {
        return new KubePolicy(null, List.of());
      }
      return policy;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw ApiException.invalid(
          "policy: not a policy"
              + where
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
  }

  /** The stored policy as the field shows it: the preset alone, or the rules. */
  private static String yaml(KubePolicy policy) {
    if (policy == null) {
      return "";
    }
    try {
      return policy.preset() != null
          ? "preset: " + policy.preset() + "\n"
          : YAML.writeValueAsString(new KubePolicy(null, policy.rules()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String editorPath(AccountView account) {
    return "/ui/resources/" + account.resource() + "/accounts/" + account.name() + "/policy";
  }
}
