package dev.kpam.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading requests: JSON bodies, paging and time parameters, the caller's address. Every problem
 * becomes an {@link ApiException} that names the parameter.
 */
public final class Requests {
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final ObjectMapper json;

  public Requests(ObjectMapper json) {
    this.json = json;
  }

  /** The body as {@code type}; an empty body is malformed. */
  public <T> T body(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw new ApiException(400, "malformed_request", "request body is empty (expected: JSON)");
    }
    try {
      T value = json.readValue(utf8(bytes), type);
      if (value == null) {
        throw new ApiException(
            400, "malformed_request", "request body is null (expected: a JSON object)");
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(400, "malformed_request", ErrorMapping.describe(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The body as text. JSON on the wire is UTF-8 (RFC 8259 §8.1); decoding it strictly here keeps
   * Jackson from guessing UTF-16 or UTF-32 from NUL bytes and failing outside its parse errors.
   */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ApiException(400, "malformed_request", "request body is not valid UTF-8");
    }
  }

  /** The body as {@code type}, or {@code fallback} when the request has none. */
  public <T> T optionalBody(Context ctx, Class<T> type, T fallback) {
    return ctx.bodyAsBytes().length == 0 ? fallback : body(ctx, type);
  }

  public static Page page(Context ctx) {
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT);
    int offset = intParam(ctx, "offset", 0);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.invalid("limit", limit, "between 1 and " + MAX_LIMIT);
    }
    if (offset < 0) {
      throw ApiException.invalid("offset", offset, "0 or more");
    }
    return new Page(limit, offset);
  }

  /** Paging of a list request. */
  public record Page(int limit, int offset) {}

  public static Instant instantParam(Context ctx, String name) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, text, "an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  public static String stringParam(Context ctx, String name) {
    String text = ctx.queryParam(name);
    return text == null || text.isBlank() ? null : text;
  }

  private static int intParam(Context ctx, String name, int fallback) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, text, "a whole number");
    }
  }

  /** The address of the client, for the audit log. */
  public static String sourceAddress(Context ctx) {
    return ctx.ip();
  }
}
