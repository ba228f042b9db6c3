package dev.kpam.cli;

import dev.kpam.protocol.GoDuration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time on the command line: an ISO-8601 instant ({@code 2026-11-28T12:00:00Z}), a UTC
 * date ({@code 2026-11-28}, its midnight) or a duration back from now ({@code 2h}, {@code 30m}).
 */
public final class TimeArgument implements ITypeConverter<Instant> {
  private final CliEnvironment env;

  TimeArgument(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Instant convert(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      // try the other forms
    }
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException notADate) {
      // try the other forms
    }
    try {
      return env.clock().instant().minus(GoDuration.parse(text));
    } catch (IllegalArgumentException notADuration) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not a time (expected: an instant such as 2026-11-28T12:00:00Z, a date such"
              + " as 2026-11-28, or a duration ago such as 2h)");
    }
  }
}
