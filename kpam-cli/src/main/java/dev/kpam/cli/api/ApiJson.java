package dev.kpam.cli.api;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON dialect of the API and of {@code -o json}: camelCase record fields, instants as ISO-8601
 * strings, unknown fields ignored (the server may add some), nulls kept so that every object of a
 * kind has the same keys.
 *
 * <pre>{@code
 * UserView user = ApiJson.mapper().readValue(body, UserView.class);
 * out.println(ApiJson.pretty().writeValueAsString(user));
 * }</pre>
 */
public final class ApiJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withArrayEmptySeparator("")
                      .withObjectEmptySeparator(""))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private ApiJson() {}

  /** The shared, immutable-once-built mapper (thread-safe). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Indented output with {@code "key": value} spacing, for people and scripts alike. */
  public static ObjectWriter pretty() {
    return PRETTY;
  }
}
