package dev.kpam.protocol;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people and kubectl write them: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 8h}.
 * Used on the wire and on the command line so that both read the same.
 *
 * <pre>{@code
 * Duration d = GoDuration.parse("1h30m");   // PT1H30M
 * String s = GoDuration.format(d);          // "1h30m"
 * }</pre>
 */
public final class GoDuration {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:h|m|s|ms))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

  private GoDuration() {}

  /**
   * Parses a duration such as {@code 2h}, {@code 45m} or {@code 1h30m}.
   *
   * @throws IllegalArgumentException naming the text and the expected form, also when a part or the
   *     total does not fit a {@link Duration} (e.g. {@code 9223372036854775807h})
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text.trim()).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (expected e.g. 30m, 1h, 1h30m)");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text.trim());
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total =
            switch (part.group(2)) {
              case "h" -> total.plusHours(amount);
              case "m" -> total.plusMinutes(amount);
              case "s" -> total.plusSeconds(amount);
              default -> total.plusMillis(amount);
            };
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // Long.parseLong refuses more than 19 digits; Duration refuses more seconds than a long.
      throw new IllegalArgumentException(
          "'" + text + "' is too long a duration (expected e.g. 30m, 1h, 1h30m)", e);
    }
    return total;
  }

  /** Formats a duration the way {@link #parse} reads it, dropping zero parts. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) out.append(hours).append('h');
    if (minutes > 0) out.append(minutes).append('m');
    if (seconds > 0) out.append(seconds).append('s');
    if (millis > 0) out.append(millis).append("ms");
    return out.toString();
  }
}
