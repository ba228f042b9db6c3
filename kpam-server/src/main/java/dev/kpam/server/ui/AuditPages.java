package dev.kpam.server.ui;

import dev.kpam.protocol.audit.AuditEventView;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests.Page;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log pages (admins only): newest first, filtered by actor, action, target and time, a
 * page at a time; and the export of every matching event as JSON lines, the same objects as {@code
 * GET /api/v1/audit}. Public only for the records the precompiled templates import.
 *
 * <pre>{@code
 * AuditPages.register(app, kit, audit, clock); // GET /ui/audit, GET /ui/audit/export
 * }</pre>
 */
public final class AuditPages {
  /** The filters a page shows a bad value next to. */
  private static final Map<String, String> TIME_FIELDS = Map.of("since", "since", "until", "until");

  static final int PAGE_SIZE = 50;

  /** How many events the export reads from the database at a time. */
  private static final int EXPORT_BATCH = 500;

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final UiKit kit;
  private final AuditLog audit;
  private final Clock clock;

  private AuditPages(UiKit kit, AuditLog audit, Clock clock) {
    this.kit = kit;
    this.audit = audit;
    this.clock = clock;
  }

  static void register(Javalin app, UiKit kit, AuditLog audit, Clock clock) {
    AuditPages pages = new AuditPages(kit, audit, clock);
    app.get("/ui/audit", kit.page(pages::auditLog));
    app.get("/ui/audit/export", kit.page(pages::export));
  }

  /** The filter form as typed; empty strings for fields left empty. */
  public record Filters(String actor, String action, String target, String since, String until) {
    /** The filters as a query string ({@code ?actor=alice&action=user.create}), empty if none. */
    public String query() {
      return query(0);
    }

    /** The query string with {@code offset} added when not 0, for the paging links. */
    public String query(int offset) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("actor", actor);
      fields.put("action", action);
      fields.put("target", target);
      fields.put("since", since);
      fields.put("until", until);
      fields.put("offset", offset == 0 ? "" : Integer.toString(offset));
      return UiQuery.of(fields);
    }
  }

  /**
   * One page of events. {@code older}/{@code newer} are the offsets of the neighbouring pages, -1
   * when there is none.
   */
  public record AuditList(
      Chrome chrome,
      Filters filters,
      List<AuditEventView> events,
      int older,
      int newer,
      Map<String, String> errors) {
    public String error(String field) {
      return errors.get(field);
    }
  }

  private void auditLog(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    Filters filters = filters(ctx);
    Chrome chrome = kit.chrome(ctx, me);
    AuditLog.Filter filter;
    int offset;
    try {
      filter = filter(filters);
      offset = UiQuery.offset(ctx);
    } catch (ApiException e) {
      Map<String, String> errors = UiKit.formErrors(e, false, TIME_FIELDS).fields();
      if (errors.isEmpty()) {
        throw e;
      }
      kit.render(ctx, 400, "audit.jte", new AuditList(chrome, filters, List.of(), -1, -1, errors));
      return;
    }
    // One more than a page tells whether there is an older page.
    List<AuditEventView> events = audit.list(filter, new Page(PAGE_SIZE + 1, offset));
    boolean more = events.size() > PAGE_SIZE;
    kit.render(
        ctx,
        200,
        "audit.jte",
        new AuditList(
            chrome,
            filters,
            more ? events.subList(0, PAGE_SIZE) : events,
            more ? offset + PAGE_SIZE : -1,
            offset > 0 ? Math.max(0, offset - PAGE_SIZE) : -1,
            Map.of()));
  }

  /**
   * Every matching event, newest first, one JSON object per line, read in batches so the export
   * does not hold the whole log in memory.
   */
  private void export(Context ctx) throws IOException {
    UiKit.admin(kit.session.principal(ctx));
    AuditLog.Filter filter = filter(filters(ctx));
    String file = "kpam-audit-" + FILE_TIME.format(clock.instant()) + ".jsonl";
    ctx.status(200)
        .contentType("application/x-ndjson")
        .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff");
    JsonMapper json = ctx.jsonMapper();
    OutputStream out = ctx.outputStream();
    // Events recorded while exporting push older ones down by as many rows; the ids (newest
    // first, strictly decreasing) tell which rows of a batch were already written.
    long lastId = Long.MAX_VALUE;
    int offset = 0;
    while (true) {
      List<AuditEventView> batch = audit.list(filter, new Page(EXPORT_BATCH, offset));
      for (AuditEventView event : batch) {
        if (event.id() < lastId) {
          out.write(
              json.toJsonString(event, AuditEventView.class).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          lastId = event.id();
        }
      }
      if (batch.size() < EXPORT_BATCH) {
        break;
      }
      offset += EXPORT_BATCH;
    }
    out.flush();
  }

  private static Filters filters(Context ctx) {
    return new Filters(
        UiQuery.text(ctx, "actor"),
        UiQuery.text(ctx, "action"),
        UiQuery.text(ctx, "target"),
        UiQuery.text(ctx, "since"),
        UiQuery.text(ctx, "until"));
  }

  private static AuditLog.Filter filter(Filters filters) {
    return new AuditLog.Filter(
        UiQuery.orNull(filters.actor()),
        UiQuery.orNull(filters.action()),
        UiQuery.orNull(filters.target()),
        UiQuery.instant("since", filters.since()),
        UiQuery.instant("until", filters.until()));
  }
}
