package dev.kpam.server.ui;

import dev.kpam.protocol.users.CreateUserRequest;
import dev.kpam.protocol.users.UpdateUserRequest;
import dev.kpam.protocol.users.UserView;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.ui.UiPages.Chrome;
import dev.kpam.server.users.Users;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;

/**
 * The users pages (admins only): list, create, an edit page that changes the role, disables or
 * enables, and sets a new password, and a confirmed delete. Passwords go one way: typed in, never
 * shown back. Public only for the records the precompiled templates import.
 *
 * <pre>{@code
 * UserPages.register(app, kit, users); // GET /ui/users, POST /ui/users/{name}, ...
 * }</pre>
 */
public final class UserPages {
  /** API field names (in {@link ApiException#invalid} messages) → form field ids. */
  private static final Map<String, String> USER_FIELDS =
      Map.of("name", "name", "role", "role", "password", "password");

  private final UiKit kit;
  private final Users users;

  private UserPages(UiKit kit, Users users) {
    this.kit = kit;
    this.users = users;
  }

  static void register(Javalin app, UiKit kit, Users users) {
    UserPages pages = new UserPages(kit, users);
    app.get("/ui/users", kit.page(pages::userList));
    app.get("/ui/users/new", kit.page(pages::newUser));
    app.post("/ui/users", kit.page(pages::createUser));
    app.get("/ui/users/{name}/edit", kit.page(pages::editUser));
    app.post("/ui/users/{name}", kit.page(pages::updateUser));
    app.get("/ui/users/{name}/delete", kit.page(pages::confirmDelete));
    app.post("/ui/users/{name}/delete", kit.page(pages::deleteUser));
  }

  public record UserList(Chrome chrome, List<UserView> users) {}

  /** The delete confirmation, with the service's refusal (yourself, the last admin) if any. */
  public record UserDelete(Chrome chrome, String name, String error) {}

  /**
   * The create form ({@code user} null) or the edit form of {@code user}: the name and role as
   * typed, the message for each field in error, and one for the whole form.
   */
  public record UserEditor(
      Chrome chrome,
      UserView user,
      String name,
      String role,
      boolean disabled,
      Map<String, String> errors,
      String formError) {
    public boolean editing() {
      return user != null;
    }

    public String error(String field) {
      return errors.get(field);
    }
  }

  private void userList(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    kit.render(ctx, 200, "users.jte", new UserList(kit.chrome(ctx, me), users.list()));
  }

  private void newUser(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    kit.render(
        ctx,
        200,
        "user-form.jte",
        new UserEditor(kit.chrome(ctx, me), null, "", "member", false, Map.of(), null));
  }

  private void createUser(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = UiKit.text(ctx, "name");
    String role = UiKit.text(ctx, "role");
    try {
      // The password as typed: spaces are allowed in it and count.
      users.create(new CreateUserRequest(name, role, ctx.formParam("password")), me.actor());
      ctx.redirect("/ui/users", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(
          ctx, new UserEditor(kit.chrome(ctx, me), null, name, role, false, Map.of(), null), e);
    }
  }

  private void editUser(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    UserView user = users.get(ctx.pathParam("name"));
    kit.render(
        ctx,
        200,
        "user-form.jte",
        new UserEditor(
            kit.chrome(ctx, me), user, user.name(), user.role(), user.disabled(), Map.of(), null));
  }

  /** Sends the service only what changed, so the audit record says what the admin did. */
  private void updateUser(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    UserView user = users.get(ctx.pathParam("name"));
    String role = UiKit.text(ctx, "role");
    boolean disabled = ctx.formParam("disabled") != null;
    String password = ctx.formParam("password");
    UpdateUserRequest change =
        new UpdateUserRequest(
            role.equals(user.role()) ? null : role,
            disabled == user.disabled() ? null : disabled,
            password == null || password.isEmpty() ? null : password);
    if (change.role() == null && change.disabled() == null && change.password() == null) {
      ctx.redirect("/ui/users", HttpStatus.SEE_OTHER);
      return;
    }
    try {
      users.update(user.name(), change, me.actor());
      ctx.redirect("/ui/users", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(
          ctx,
          new UserEditor(kit.chrome(ctx, me), user, user.name(), role, disabled, Map.of(), null),
          e);
    }
  }

  /** The form again with what was typed (never the password) and the service's message. */
  private void rejected(Context ctx, UserEditor form, ApiException e) {
    UiKit.FormErrors errors = UiKit.formErrors(e, !form.editing(), USER_FIELDS);
    render(ctx, errors.status(), form, errors.fields(), errors.form());
  }

  private void render(
      Context ctx, int status, UserEditor form, Map<String, String> errors, String formError) {
    kit.render(
        ctx,
        status,
        "user-form.jte",
        new UserEditor(
            form.chrome(),
            form.user(),
            form.name(),
            form.role(),
            form.disabled(),
            errors,
            formError));
  }

  private void confirmDelete(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    String name = users.get(ctx.pathParam("name")).name();
    kit.render(ctx, 200, "user-delete.jte", new UserDelete(kit.chrome(ctx, me), name, null));
  }

  private void deleteUser(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = users.get(ctx.pathParam("name")).name();
    kit.delete(
        ctx,
        () -> users.delete(name, me.actor()),
        "/ui/users",
        "user-delete.jte",
        error -> new UserDelete(kit.chrome(ctx, me), name, error));
  }
}
