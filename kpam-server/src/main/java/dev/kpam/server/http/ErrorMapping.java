package dev.kpam.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.kpam.protocol.ApiError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.sql.SQLTransientException;
import java.util.stream.Collectors;
import org.jdbi.v3.core.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become REST answers: {@link ApiException} as it says, unreadable JSON
 * as 400 {@code malformed_request}, an unreachable database as 503, and anything else as a 500
 * whose details go only to the server log.
 */
public final class ErrorMapping {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

  private ErrorMapping() {}

  public static void install(Javalin app) {
    app.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
          }
          answer(ctx, e.status(), e.code(), e.getMessage());
        });
    app.exception(
        JsonProcessingException.class,
        (e, ctx) -> answer(ctx, 400, "malformed_request", describe(e)));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> answer(ctx, e.getStatus(), codeFor(e.getStatus()), e.getMessage()));
    app.exception(
        ConnectionException.class,
        (e, ctx) -> {
          log.error("database unavailable for {} {}", ctx.method(), ctx.path(), e);
          answer(ctx, 503, "unavailable", "the database is unavailable; try again shortly");
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          if (e.getCause() instanceof SQLTransientException) {
            log.error("database unavailable for {} {}", ctx.method(), ctx.path(), e);
            answer(ctx, 503, "unavailable", "the database is unavailable; try again shortly");
            return;
          }
          log.error("internal error in {} {}", ctx.method(), ctx.path(), e);
          answer(ctx, 500, "internal", "internal error; the server log has the details");
        });
    app.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            answer(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
          }
        });
    app.error(
        405,
        ctx ->
            answer(
                ctx,
                405,
                "method_not_allowed",
                "method not allowed: " + ctx.method() + " " + ctx.path()));
  }

  private static void answer(Context ctx, int status, String code, String message) {
    ctx.status(status).json(new ApiError(code, message));
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "malformed_request";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 413 -> "payload_too_large";
      default -> "error";
    };
  }

  /** Says what is wrong with a body without echoing its content (it may hold secrets). */
  static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '" + unknown.getPropertyName() + "'";
    }
    if (e instanceof InvalidFormatException format) {
      return path(format)
          + ": wrong type (expected: "
          + format.getTargetType().getSimpleName()
          + ")";
    }
    if (e instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
      return path(mismatched)
          + ": wrong type (expected: "
          + simpleName(mismatched.getTargetType())
          + ")";
    }
    return "request body is not valid JSON";
  }

  private static String simpleName(Class<?> type) {
    return type == null ? "another type" : type.getSimpleName();
  }

  private static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
