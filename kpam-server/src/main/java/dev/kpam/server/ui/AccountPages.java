package dev.kpam.server.ui;

import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.users.UserView;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.approvals.AccountAccess;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.ui.UiPages.Chrome;
import dev.kpam.server.users.Users;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The accounts pages of a resource: the accounts the signed-in user may use, with the command that
 * opens a session to each; admins create, edit, delete and grant them. An account's token is
 * write-only here as in the API: no page record has a field for it, so no page can show it.
 *
 * <pre>{@code
 * AccountPages.register(app, kit, services.resources(), services.accounts(), services.users());
 * // GET /ui/resources/prod/accounts, GET /ui/resources/prod/accounts/admin/access, ...
 * }</pre>
 */
public final class AccountPages {
  /** API field names (in {@link ApiException#invalid} messages) → form field ids. */
  private static final Map<String, String> ACCOUNT_FIELDS =
      Map.of(
          "name", "name",
          "token", "token",
          "description", "description",
          "maxSessionDuration", "max-duration",
          "recordStdin", "record-stdin",
          "recordingFailurePolicy", "failure-policy");

  private static final List<String> FAILURE_POLICIES = List.of("fail-closed", "fail-open");

  private final UiKit kit;
  private final Resources resources;
  private final Accounts accounts;
  private final Users users;
  private final Supplier<String> publicUrl;

  private AccountPages(
      UiKit kit, Resources resources, Accounts accounts, Users users, Supplier<String> publicUrl) {
    this.kit = kit;
    this.resources = resources;
    this.accounts = accounts;
    this.users = users;
    this.publicUrl = publicUrl;
  }

  /** Registers the pages; {@code publicUrl} is the server's URL for the CLI's login hint. */
  static void register(
      Javalin app,
      UiKit kit,
      Resources resources,
      Accounts accounts,
      Users users,
      Supplier<String> publicUrl) {
    AccountPages pages = new AccountPages(kit, resources, accounts, users, publicUrl);
    String list = "/ui/resources/{resource}/accounts";
    String one = list + "/{account}";
    app.get(list, kit.page(pages::accountList));
    app.get(list + "/new", kit.page(pages::newAccount));
    app.post(list, kit.page(pages::createAccount));
    app.get(one + "/access", kit.page(pages::access));
    app.get(one + "/edit", kit.page(pages::editAccount));
    app.post(one, kit.page(pages::updateAccount));
    app.get(one + "/delete", kit.page(pages::confirmDelete));
    app.post(one + "/delete", kit.page(pages::deleteAccount));
    app.post(one + "/grants", kit.page(pages::grant));
    app.post(one + "/grants/{user}/revoke", kit.page(pages::revoke));
  }

  /** The accounts of one resource that the signed-in user may use. */
  public record AccountList(
      Chrome chrome, String resource, List<AccountView> accounts, String loginCommand) {
    public String accessCommand(AccountView account) {
      return AccountPages.accessCommand(resource, account.name());
    }
  }

  /** The page that shows how to open a session to one account from the command line. */
  public record AccessPage(
      Chrome chrome,
      String resource,
      String account,
      String command,
      String loginCommand,
      String approval) {}

  /**
   * The create or edit form, with what was typed (never the token) and the message for each field
   * in error; when editing, also the account's grants and the members who could be granted it.
   */
  public record AccountEditor(
      Chrome chrome,
      String resource,
      boolean editing,
      boolean tokenStored,
      AccountForm form,
      Map<String, String> errors,
      String formError,
      List<String> grants,
      List<String> grantable) {
    public String error(String field) {
      return errors.get(field);
    }

    public List<String> failurePolicies() {
      return FAILURE_POLICIES;
    }
  }

  /** The fields of the account form as typed (or as stored): deliberately no token. */
  public record AccountForm(
      String name,
      String description,
      String maxDuration,
      boolean recordStdin,
      String failurePolicy) {
    static AccountForm empty() {
      return new AccountForm("", "", "", false, "fail-closed");
    }

    static AccountForm of(AccountView view) {
      return new AccountForm(
          view.name(),
          view.description() == null ? "" : view.description(),
          view.maxSessionDuration(),
          view.recordStdin(),
          view.recordingFailurePolicy());
    }
  }

  public record AccountDelete(Chrome chrome, String resource, String name, String error) {}

  /**
   * The command that opens a session, exactly as kpam-cli's {@code k8s access} reads it. Both names
   * are labels (lower-case letters, digits, '-'), so the command needs no shell quoting.
   */
  static String accessCommand(String resource, String account) {
    return "kpam k8s access --resource " + resource + " --account " + account;
  }

  private void accountList(Context ctx) {
    Principal me = kit.session.principal(ctx);
    String resource = ctx.pathParam("resource");
    List<AccountView> visible = accounts.list(me, resource);
    kit.render(
        ctx,
        200,
        "accounts.jte",
        new AccountList(kit.chrome(ctx, me), resource, visible, loginCommand(me)));
  }

  private void access(Context ctx) {
    Principal me = kit.session.principal(ctx);
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    kit.render(
        ctx,
        200,
        "account-access.jte",
        new AccessPage(
            kit.chrome(ctx, me),
            account.resource(),
            account.name(),
            accessCommand(account.resource(), account.name()),
            loginCommand(me),
            account.access().requiresApproval()
                ? "Sessions on this account need approval by "
                    + AccountAccess.approverText(account.access())
                    + ": add --reason TEXT and the command asks for it and waits."
                : null));
  }

  private void newAccount(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    String resource = resourceOf(me, ctx);
    editor(ctx, me, 200, resource, null, AccountForm.empty(), Map.of(), null);
  }

  private void createAccount(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String resource = resourceOf(me, ctx);
    AccountForm form = form(ctx, UiKit.text(ctx, "name"));
    try {
      accounts.create(
          resource,
          new AccountRequest(
              form.name(),
              token(ctx),
              emptyToNull(form.description()),
              emptyToNull(form.maxDuration()),
              form.recordStdin(),
              form.failurePolicy(),
              null,
              null,
              null),
          me.actor());
      ctx.redirect(listPath(resource), HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(ctx, me, resource, null, form, e);
    }
  }

  private void editAccount(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    editor(ctx, me, 200, account.resource(), account, AccountForm.of(account), Map.of(), null);
  }

  private void updateAccount(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    AccountForm form = form(ctx, account.name());
    try {
      accounts.update(
          account.resource(),
          account.name(),
          new AccountRequest(
              null,
              token(ctx),
              form.description(),
              emptyToNull(form.maxDuration()),
              form.recordStdin(),
              form.failurePolicy(),
              null,
              null,
              null),
          me.actor());
      ctx.redirect(listPath(account.resource()), HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(ctx, me, account.resource(), account, form, e);
    }
  }

  private void confirmDelete(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    kit.render(
        ctx,
        200,
        "account-delete.jte",
        new AccountDelete(kit.chrome(ctx, me), account.resource(), account.name(), null));
  }

  private void deleteAccount(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    kit.delete(
        ctx,
        () -> accounts.delete(account.resource(), account.name(), me.actor()),
        listPath(account.resource()),
        "account-delete.jte",
        error -> new AccountDelete(kit.chrome(ctx, me), account.resource(), account.name(), error));
  }

  private void grant(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    try {
      accounts.grant(account.resource(), account.name(), UiKit.text(ctx, "user"), me.actor());
      ctx.redirect(editPath(account), HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw e;
      }
      editor(
          ctx,
          me,
          400,
          account.resource(),
          account,
          AccountForm.of(account),
          Map.of("grant-user", e.getMessage()),
          null);
    }
  }

  private void revoke(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    AccountView account = accounts.get(me, ctx.pathParam("resource"), ctx.pathParam("account"));
    accounts.revoke(account.resource(), account.name(), ctx.pathParam("user"), me.actor());
    ctx.redirect(editPath(account), HttpStatus.SEE_OTHER);
  }

  /** Shows the form again with what was typed (the token field empty) and the service's message. */
  private void rejected(
      Context ctx,
      Principal me,
      String resource,
      AccountView editing,
      AccountForm form,
      ApiException e) {
    UiKit.FormErrors errors = UiKit.formErrors(e, editing == null, ACCOUNT_FIELDS);
    editor(ctx, me, errors.status(), resource, editing, form, errors.fields(), errors.form());
  }

  private void editor(
      Context ctx,
      Principal me,
      int status,
      String resource,
      AccountView editing,
      AccountForm form,
      Map<String, String> errors,
      String formError) {
    List<String> grants = editing == null ? List.of() : editing.grants();
    List<String> grantable =
        editing == null
            ? List.of()
            : users.list().stream()
                .filter(u -> "member".equals(u.role()) && !u.disabled())
                .map(UserView::name)
                .filter(name -> !grants.contains(name))
                .toList();
    kit.render(
        ctx,
        status,
        "account-form.jte",
        new AccountEditor(
            kit.chrome(ctx, me),
            resource,
            editing != null,
            editing != null && editing.tokenStored(),
            form,
            errors,
            formError,
            grants,
            grantable));
  }

  /** The resource named in the path, checked to exist (a 404 page otherwise). */
  private String resourceOf(Principal me, Context ctx) {
    return resources.get(me, ctx.pathParam("resource")).name();
  }

  /** {@code kpam login} for this server and the signed-in user, as a hint before the command. */
  private String loginCommand(Principal me) {
    return "kpam login --server " + publicUrl.get() + " --user " + me.name();
  }

  private static String listPath(String resource) {
    return "/ui/resources/" + resource + "/accounts";
  }

  private static String editPath(AccountView account) {
    return listPath(account.resource()) + "/" + account.name() + "/edit";
  }

  /** The token as typed; null (keep the stored one, or "missing" on create) when left empty. */
  private static String token(Context ctx) {
    return emptyToNull(ctx.formParam("token"));
  }

  private static String emptyToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static AccountForm form(Context ctx, String name) {
    return new AccountForm(
        name == null ? "" : name.trim(),
        UiKit.text(ctx, "description"),
        UiKit.text(ctx, "maxSessionDuration"),
        ctx.formParam("recordStdin") != null,
        UiKit.text(ctx, "recordingFailurePolicy"));
  }
}
