package dev.kpam.server.ui;

import dev.kpam.server.http.ApiException;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The query parameters of list pages (filters and paging), read the same way everywhere: a bad
 * value is the services' kind of 400 ({@code "field: value (expected: …)"}), which a page shows
 * next to its field.
 *
 * <pre>{@code
 * Instant since = UiQuery.instant("since", UiQuery.text(ctx, "since"));
 * String older = "/ui/audit" + UiQuery.of(Map.of("actor", actor, "offset", "50"));
 * }</pre>
 */
final class UiQuery {
  private UiQuery() {}

  /** A query parameter as typed, trimmed; empty when absent. */
  static String text(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null ? "" : value.trim();
  }

  /** The {@code offset} parameter of a paged list: 0 when absent, else a whole number ≥ 0. */
  static int offset(Context ctx) {
    String text = text(ctx, "offset");
    if (text.isEmpty()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(text);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.invalid("offset", text, "a whole number, 0 or more");
  }

  /**
   * An ISO-8601 instant ({@code 2026-01-31T12:00:00Z}), or a date and time without zone, taken as
   * UTC (what a {@code datetime-local} field sends); null for empty text.
   */
  static Instant instant(String field, String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw ApiException.invalid(
            field,
            text,
            "an ISO-8601 instant such as 2026-01-31T12:00:00Z, or a date and time in UTC such as"
                + " 2026-01-31T12:00");
      }
    }
  }

  /** Empty text as null, for the services' filters where null means any. */
  static String orNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /** {@code ?a=1&b=x%20y} from the non-empty values, in the map's order; empty if none. */
  static String of(Map<String, String> params) {
    String query =
        params.entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? "" : "?" + query;
  }
}
