package dev.kpam.server.ui;

import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.List;

/**
 * The approval and break-glass settings of an account (admins), saved through the same validation
 * as the API with the message next to its field.
 *
 * <pre>{@code
 * ApprovalPages.register(app, kit, accounts);
 * // GET and POST /ui/resources/prod/accounts/admin/approval
 * }</pre>
 */
public final class ApprovalPages {
  private final UiKit kit;
  private final Accounts accounts;

  private ApprovalPages(UiKit kit, Accounts accounts) {
    this.kit = kit;
    this.accounts = accounts;
  }

  static void register(Javalin app, UiKit kit, Accounts accounts) {
    ApprovalPages pages = new ApprovalPages(kit, accounts);
    String path = "/ui/resources/{resource}/accounts/{account}/approval";
    app.get(path, kit.page(pages::show));
    app.post(path, kit.page(pages::submit));
  }

  /** The fields as typed. */
  public record ApprovalForm(
      boolean requiresApproval,
      String approvers,
      String approvalsNeeded,
      String requestTimeout,
      boolean breakGlass,
      String breakGlassMax,
      boolean requiresMfa) {
    static ApprovalForm of(AccessRules rules) {
      return new ApprovalForm(
          rules.requiresApproval(),
          String.join(", ", rules.approvers()),
          String.valueOf(rules.approvalsNeeded()),
          rules.requestTimeout(),
          rules.breakGlass(),
          rules.breakGlassMaxDuration(),
          Boolean.TRUE.equals(rules.requiresMfa()));
    }

    static ApprovalForm of(Context ctx) {
      return new ApprovalForm(
          ctx.formParam("requiresApproval") != null,
          UiKit.text(ctx, "approvers"),
          UiKit.text(ctx, "approvalsNeeded"),
          UiKit.text(ctx, "requestTimeout"),
          ctx.formParam("breakGlass") != null,
          UiKit.text(ctx, "breakGlassMaxDuration"),
          ctx.formParam("requiresMfa") != null);
    }

    AccessRules rules() {
      Integer needed;
      try {
        needed = approvalsNeeded.isEmpty() ? null : Integer.valueOf(approvalsNeeded);
      } catch (NumberFormatException e) {
        throw ApiException.invalid(
            "access.approvalsNeeded", "'" + approvalsNeeded + "'", "a whole number");
      }
      List<String> names =
          Arrays.stream(approvers.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
      return new AccessRules(
          requiresApproval,
          names,
          needed,
          requestTimeout.isEmpty() ? null : requestTimeout,
          breakGlass,
          breakGlassMax.isEmpty() ? null : breakGlassMax,
          null,
          null,
          requiresMfa);
    }
  }

  /** The editor; {@code field} names the input the error is about ("approvers", ...). */
  public record ApprovalEditor(
      Chrome chrome,
      String resource,
      String account,
      ApprovalForm form,
      String field,
      String error,
      boolean saved) {
    public String path() {
      return "/ui/resources/" + resource + "/accounts/" + account + "/approval";
    }

    /** The error if it is about {@code name}, else null. */
    public String error(String name) {
      return name.equals(field) ? error : null;
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
        ApprovalForm.of(account.access()),
        null,
        "saved".equals(ctx.queryParam("done")));
  }

  private void submit(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    ApprovalForm form = ApprovalForm.of(ctx);
    try {
      accounts.update(
          account.resource(),
          account.name(),
          new AccountRequest(null, null, null, null, null, null, null, null, form.rules()),
          me.actor());
      ctx.redirect(
          "/ui/resources/"
              + UiFormat.encode(account.resource())
              + "/accounts/"
              + UiFormat.encode(account.name())
              + "/approval?done=saved",
          HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw e;
      }
      render(ctx, me, 400, account, form, e, false);
    }
  }

  private void render(
      Context ctx,
      Principal me,
      int status,
      AccountView account,
      ApprovalForm form,
      ApiException error,
      boolean saved) {
    String message = error == null ? null : error.getMessage();
    // "access.approvers: 'nobody' (expected: ...)" is about the approvers field.
    String field =
        message != null && message.startsWith("access.") && message.indexOf(':') > 0
            ? message.substring("access.".length(), message.indexOf(':'))
            : null;
    kit.render(
        ctx,
        status,
        "approval-form.jte",
        new ApprovalEditor(
            kit.chrome(ctx, me), account.resource(), account.name(), form, field, message, saved));
  }
}
