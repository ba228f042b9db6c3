package dev.kpam.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.protocol.sessions.RecordingView;
import dev.kpam.protocol.sessions.SessionCommand;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests.Page;
import dev.kpam.server.sessions.SessionHistory;
import dev.kpam.server.sessions.Sessions;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The sessions pages: a filterable list, one session's commands, requests and recordings (both
 * polled by htmx while they can still change), and an admin's termination. Public only because the
 * precompiled templates import its page records.
 *
 * <pre>{@code
 * SessionPages.register(app, kit, services.sessions(), services.history());
 * // GET /ui/sessions?status=ACTIVE, GET /ui/sessions/{id}, GET /ui/sessions/{id}/terminate
 * }</pre>
 */
public final class SessionPages {
  /** Sessions per page of the list; the list asks for one more to know whether older ones exist. */
  static final int PAGE_SIZE = 50;

  /**
   * A page lists the newest commands and the first requests of each, so that a scripted session of
   * thousands of commands still renders (and re-renders while live) in a bounded page; the CLI's
   * {@code kpam sessions logs} and the events API have all of them.
   */
  public static final int COMMANDS_SHOWN = 200;

  public static final int REQUESTS_SHOWN = 100;

  private final UiKit kit;
  private final Sessions sessions;
  private final SessionHistory history;

  private SessionPages(UiKit kit, Sessions sessions, SessionHistory history) {
    this.kit = kit;
    this.sessions = sessions;
    this.history = history;
  }

  static void register(Javalin app, UiKit kit, Sessions sessions, SessionHistory history) {
    SessionPages pages = new SessionPages(kit, sessions, history);
    app.get("/ui/sessions", kit.page(pages::sessionList));
    app.get("/ui/sessions/rows", kit.fragment(pages::sessionRows));
    app.get("/ui/sessions/{id}", kit.page(pages::sessionPage));
    app.get("/ui/sessions/{id}/live", kit.fragment(pages::sessionLive));
    app.get("/ui/sessions/{id}/terminate", kit.page(pages::confirmTerminate));
    app.post("/ui/sessions/{id}/terminate", kit.page(pages::terminate));
  }

  /** The list: the filter form, the first rows, links to older and newer pages. */
  public record SessionList(Chrome chrome, Filters filters, Rows rows, String error) {
    public String olderUrl() {
      return rows.hasOlder() ? "/ui/sessions" + filters.query(filters.offset() + PAGE_SIZE) : null;
    }

    public String newerUrl() {
      return filters.offset() == 0
          ? null
          : "/ui/sessions" + filters.query(Math.max(0, filters.offset() - PAGE_SIZE));
    }

    public String rowsUrl() {
      return "/ui/sessions/rows" + filters.query(filters.offset());
    }
  }

  /** The rows of one page of the list, as the list and its polled fragment show them. */
  public record Rows(List<SessionView> sessions, boolean hasOlder) {}

  /** The list's filters as typed (empty when not given), kept in the URL. */
  public record Filters(
      String user,
      String resource,
      String account,
      String status,
      String since,
      String until,
      int offset) {
    public static final List<String> STATUSES = List.of("ACTIVE", "ENDED", "TERMINATED", "EXPIRED");

    static Filters of(Context ctx, Principal me) {
      return new Filters(
          me.isAdmin() ? UiQuery.text(ctx, "user") : "",
          UiQuery.text(ctx, "resource"),
          UiQuery.text(ctx, "account"),
          UiQuery.text(ctx, "status").toUpperCase(Locale.ROOT),
          UiQuery.text(ctx, "since"),
          UiQuery.text(ctx, "until"),
          UiQuery.offset(ctx));
    }

    /** What the service filters by; a malformed time is the service's kind of 400. */
    Sessions.Filter filter() {
      return new Sessions.Filter(
          UiQuery.orNull(user),
          UiQuery.orNull(resource),
          UiQuery.orNull(account),
          UiQuery.orNull(status),
          UiQuery.instant("since", since),
          UiQuery.instant("until", until));
    }

    /** {@code ?resource=prod&offset=50}: the filters given, for links that keep them. */
    String query(int atOffset) {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("user", user);
      params.put("resource", resource);
      params.put("account", account);
      params.put("status", status);
      params.put("since", since);
      params.put("until", until);
      params.put("offset", atOffset == 0 ? "" : Integer.toString(atOffset));
      return UiQuery.of(params);
    }

    public boolean any() {
      return !(user + resource + account + status + since + until).isEmpty();
    }
  }

  /** One session's page: the frame around its live part. */
  public record SessionDetail(Chrome chrome, SessionLive live) {}

  /**
   * What changes while a session runs: its metadata, summary, commands and recordings. Rendered in
   * the page and, on its own, as the fragment htmx polls while the session is active.
   */
  public record SessionLive(
      SessionView session,
      String version,
      List<CommandRow> commands,
      int earlierCommands,
      List<RecordingView> recordings) {
    public boolean active() {
      return Sessions.ACTIVE.equals(session.status());
    }

    /** The route htmx polls: it answers 204 while the session is still at this version. */
    public String pollUrl() {
      return "/ui/sessions/" + UiFormat.encode(session.id()) + "/live?seen=" + version;
    }
  }

  /** A command with its requests, and whether any of them was denied or failed. */
  public record CommandRow(SessionCommand command, List<RequestRow> requests) {
    /** Requests of the command not listed on the page (it lists the first ones). */
    public int moreRequests() {
      return Math.max(0, command.requests() - requests.size());
    }

    /** A 403 among the requests that made the command fail (kpam's or Kubernetes' denial). */
    public boolean denied() {
      return command.errors() > 0 && requests.stream().anyMatch(RequestRow::denied);
    }

    /** The command failed otherwise: its highest status is another 4xx or a 5xx. */
    public boolean failed() {
      return command.status() >= 400 && command.status() != 403;
    }

    public String css() {
      return "command" + (denied() ? " denied" : "") + (failed() ? " error" : "");
    }
  }

  /** One HTTP request as a {@code request} event recorded it (docs/RECORDING.md §1). */
  public record RequestRow(
      String id,
      String method,
      String path,
      String query,
      int status,
      long latencyMs,
      String error,
      boolean running,
      boolean retried) {
    /**
     * {@code retried}: a WebSocket upgrade the API server refused and kubectl retried over SPDY,
     * which did not decide the command's result.
     */
    static RequestRow of(JsonNode data, boolean running, boolean retried) {
      return new RequestRow(
          data.path("id").asText(""),
          data.path("method").asText(""),
          data.path("path").asText(""),
          data.path("query").asText(""),
          data.path("status").asInt(0),
          data.path("latencyMs").asLong(0),
          data.path("error").isTextual() ? data.path("error").asText() : null,
          running,
          retried);
    }

    /** Refused: by kpam (which says why in {@code error}) or by Kubernetes' RBAC. */
    public boolean denied() {
      return status == 403 && !retried;
    }

    public boolean failed() {
      return !retried && !denied() && (status >= 400 || error != null);
    }

    public boolean deniedByKpam() {
      return denied() && error != null;
    }

    public String css() {
      return "request" + (denied() ? " denied" : "") + (failed() ? " error" : "");
    }
  }

  /** The termination form: the session, the reason as typed and its error. */
  public record SessionTerminate(
      Chrome chrome, SessionView session, String reason, String reasonError) {}

  private void sessionList(Context ctx) {
    Principal me = kit.session.principal(ctx);
    Filters filters = Filters.of(ctx, me);
    try {
      Rows rows = rows(me, filters);
      kit.render(
          ctx, 200, "sessions.jte", new SessionList(kit.chrome(ctx, me), filters, rows, null));
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw e;
      }
      kit.render(
          ctx,
          400,
          "sessions.jte",
          new SessionList(
              kit.chrome(ctx, me), filters, new Rows(List.of(), false), e.getMessage()));
    }
  }

  private void sessionRows(Context ctx) {
    Principal me = kit.session.principal(ctx);
    kit.render(ctx, 200, "sessionRows.jte", rows(me, Filters.of(ctx, me)));
  }

  private Rows rows(Principal me, Filters filters) {
    List<SessionView> found =
        sessions.list(me, filters.filter(), new Page(PAGE_SIZE + 1, filters.offset()));
    return found.size() > PAGE_SIZE
        ? new Rows(found.subList(0, PAGE_SIZE), true)
        : new Rows(found, false);
  }

  private void sessionPage(Context ctx) {
    Principal me = kit.session.principal(ctx);
    SessionLive live = live(me, ctx.pathParam("id"));
    kit.render(ctx, 200, "session.jte", new SessionDetail(kit.chrome(ctx, me), live));
  }

  /**
   * The live part, polled every 2 s: 204 (htmx keeps what it shows) while nothing changed since the
   * version the page holds, so an idle session's open page costs two small queries a poll.
   */
  private void sessionLive(Context ctx) {
    Principal me = kit.session.principal(ctx);
    String id = ctx.pathParam("id");
    if (UiKit.unchanged(ctx, history.version(me, id))) {
      return;
    }
    kit.render(ctx, 200, "sessionLive.jte", live(me, id));
  }

  private SessionLive live(Principal me, String id) {
    // The version first: a change while the rest is read shows at the next poll.
    String version = history.version(me, id);
    SessionView session = sessions.get(me, id);
    SessionHistory.CommandsWithRequests read = history.commandsWithRequests(me, id);
    List<SessionCommand> all = read.commands();
    List<SessionCommand> shown = all.subList(Math.max(0, all.size() - COMMANDS_SHOWN), all.size());
    List<CommandRow> commands = new ArrayList<>();
    for (SessionCommand command : shown) {
      commands.add(
          new CommandRow(
              command,
              command.requestIds().stream()
                  .limit(REQUESTS_SHOWN)
                  .map(read.requests()::get)
                  .filter(Objects::nonNull)
                  .map(
                      request ->
                          RequestRow.of(
                              request.data(),
                              request.running(),
                              command
                                  .retriedRequestIds()
                                  .contains(request.data().path("id").asText())))
                  .toList()));
    }
    return new SessionLive(
        session, version, commands, all.size() - shown.size(), history.recordings(me, id));
  }

  private void confirmTerminate(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    SessionView session = activeSession(me, ctx.pathParam("id"));
    kit.render(
        ctx,
        200,
        "session-terminate.jte",
        new SessionTerminate(kit.chrome(ctx, me), session, "", null));
  }

  private void terminate(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    SessionView session = activeSession(me, ctx.pathParam("id"));
    String reason = UiKit.text(ctx, "reason");
    if (reason.isEmpty()) {
      rejected(ctx, me, session, reason, "reason: missing (expected: why you end this session)");
      return;
    }
    try {
      sessions.terminate(me, session.id(), reason);
    } catch (ApiException e) {
      if (e.status() != 400) {
        throw e;
      }
      rejected(ctx, me, session, reason, e.getMessage());
      return;
    }
    ctx.redirect("/ui/sessions/" + UiFormat.encode(session.id()), HttpStatus.SEE_OTHER);
  }

  private void rejected(
      Context ctx, Principal me, SessionView session, String reason, String message) {
    kit.render(
        ctx,
        400,
        "session-terminate.jte",
        new SessionTerminate(kit.chrome(ctx, me), session, reason, message));
  }

  /** The session if it can still be terminated; the service's own 409 wording otherwise. */
  private SessionView activeSession(Principal me, String id) {
    SessionView session = sessions.get(me, id);
    if (!Sessions.ACTIVE.equals(session.status())) {
      throw ApiException.conflict("session '" + id + "' is already " + session.status());
    }
    return session;
  }
}
