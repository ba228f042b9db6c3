package dev.kpam.cli.accounts;

import dev.kpam.protocol.GoDuration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration such as {@code 8h} or {@code 1h30m}, checked here and sent as written by the API. */
final class DurationArgument implements ITypeConverter<String> {
  @Override
  public String convert(String text) {
    try {
      return GoDuration.format(GoDuration.parse(text));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
