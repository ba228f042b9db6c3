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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
    /** The filters as a query string ({@code actor=alice&action=user.create}), empty if none. */
    public String query() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("actor", actor);
      fields.put("action", action);
      fields.put("target", target);
      fields.put("since", since);
      fields.put("until", until);
      return fields.entrySet().stream()
          .filter(e -> !e.getValue().isEmpty())
          .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
    }

    /** The query string with {@code offset} added, for the paging links. */
    public String query(int offset) {
      String filters = query();
      return (filters.isEmpty() ? "" : filters + "&") + "offset=" + offset;
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
      offset = offset(ctx);
    } catch (FieldError e) {
      kit.render(
          ctx,
          400,
          "audit.jte",
          new AuditList(chrome, filters, List.of(), -1, -1, Map.of(e.field, e.getMessage())));
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
    AuditLog.Filter filter;
    try {
      filter = filter(filters(ctx));
    } catch (FieldError e) {
      throw ApiException.invalid(e.getMessage());
    }
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
        query(ctx, "actor"),
        query(ctx, "action"),
        query(ctx, "target"),
        query(ctx, "since"),
        query(ctx, "until"));
  }

  private static String query(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null ? "" : value.trim();
  }

  private static AuditLog.Filter filter(Filters filters) {
    return new AuditLog.Filter(
        emptyToNull(filters.actor()),
        emptyToNull(filters.action()),
        emptyToNull(filters.target()),
        instant("since", filters.since()),
        instant("until", filters.until()));
  }

  private static int offset(Context ctx) {
    String text = ctx.queryParam("offset");
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(text.trim());
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.invalid("offset", text, "0 or more");
  }

  /**
   * An ISO-8601 instant ({@code 2026-01-31T12:00:00Z}), or a date and time without zone, taken as
   * UTC: what a {@code datetime-local} field sends.
   */
  private static Instant instant(String field, String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new FieldError(
            field,
            field
                + ": '"
                + text
                + "' (expected: an ISO-8601 instant such as 2026-01-31T12:00:00Z, or a date and"
                + " time in UTC such as 2026-01-31T12:00)");
      }
    }
  }

  private static String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /** A filter the page shows next to its field rather than as an error page. */
  private static final class FieldError extends RuntimeException {
    final String field;

    FieldError(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
