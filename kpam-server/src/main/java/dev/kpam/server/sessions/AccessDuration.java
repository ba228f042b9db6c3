package dev.kpam.server.sessions;

import dev.kpam.protocol.GoDuration;
import dev.kpam.server.http.ApiException;
import java.time.Duration;

/**
 * How long access lasts, as a session or an access request asks for it: 1h when not given (or
 * {@code max} if less), otherwise between 1m and {@code max}; 400 on the field {@code duration}
 * naming the limit ("the account's maximum").
 *
 * <pre>{@code
 * Duration d = AccessDuration.of(request.duration(), account.maxSession(), "the account's maximum");
 * }</pre>
 */
public final class AccessDuration {
  static final Duration DEFAULT = Duration.ofHours(1);
  static final Duration MIN = Duration.ofMinutes(1);

  private AccessDuration() {}

  public static Duration of(String text, Duration max, String limit) {
    if (text == null || text.isBlank()) {
      return DEFAULT.compareTo(max) > 0 ? max : DEFAULT;
    }
    Duration duration;
    try {
      duration = GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("duration", "'" + text + "'", "a duration such as 30m, 1h, 2h");
    }
    if (duration.compareTo(MIN) < 0 || duration.compareTo(max) > 0) {
      throw ApiException.invalid(
          "duration",
          GoDuration.format(duration),
          "between 1m and " + GoDuration.format(max) + ", " + limit);
    }
    return duration;
  }
}
