package dev.kpam.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --limit N}: how many items a list command shows, 1 or more. */
public final class LimitArgument implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String text) {
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a whole number");
    }
    if (limit < 1) {
      throw new TypeConversionException(text + " (expected: 1 or more)");
    }
    return limit;
  }
}
