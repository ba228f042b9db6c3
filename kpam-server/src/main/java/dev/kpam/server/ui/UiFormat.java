package dev.kpam.server.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How every page writes times, durations, sizes and path segments, so that they read the same
 * everywhere. Public because the precompiled templates call it.
 *
 * <pre>{@code
 * ${UiFormat.time(s.startedAt())}   → 2026-11-28 12:00:00 UTC
 * ${UiFormat.took(850)}             → 850 ms
 * }</pre>
 */
public final class UiFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private UiFormat() {}

  /** {@code 2026-11-28 12:00:00 UTC}; empty for none. */
  public static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "just now" for a clock slightly ahead. */
  public static String ago(Instant then, Instant now) {
    Duration elapsed = Duration.between(then, now);
    if (elapsed.isNegative()) {
      return "just now";
    }
    if (elapsed.compareTo(Duration.ofMinutes(2)) < 0) {
      return elapsed.toSeconds() + " s ago";
    }
    if (elapsed.compareTo(Duration.ofHours(2)) < 0) {
      return elapsed.toMinutes() + " min ago";
    }
    if (elapsed.compareTo(Duration.ofDays(2)) < 0) {
      return elapsed.toHours() + " h ago";
    }
    return elapsed.toDays() + " d ago";
  }

  /** {@code 850 ms}, {@code 12 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
  public static String took(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    long seconds = millis / 1000;
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 2.0 MiB}. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  /** {@code status status-active}: the classes that mark a status (the word is shown too). */
  public static String statusClass(String status) {
    return "status status-" + status.toLowerCase(Locale.ROOT);
  }

  /** A path segment: names and ids are checked by the services, but a link never trusts that. */
  public static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
