package dev.kpam.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.ApiError;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers Jetty makes itself, before or around Javalin: a request it cannot parse (bad request
 * line, bad percent-encoding or UTF-8 in the path, a bad Host), a URI or headers too large, a body
 * over its endpoint's limit ({@link BodyLimits}). They get the same {@code {code, message}} JSON as
 * every other API error, and an HTML page under {@code /ui}. The code is stable for each status
 * (e.g. {@code uri_too_long}); the message says what was wrong without echoing the request.
 */
final class ErrorPages extends ErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);
  private static final HttpField JSON_TYPE =
      new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  private final ObjectMapper json;

  ErrorPages(ObjectMapper json) {
    this.json = json;
    setShowStacks(false);
    setShowServlet(false);
  }

  /** A request Jetty could not parse: no path to go by, so the API's JSON. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    log.debug("bad HTTP message: {} {}", status, reason);
    fields.put(JSON_TYPE);
    return ByteBuffer.wrap(jsonBody(status, describe(status, reason)));
  }

  /** An error raised inside request handling ({@code sendError}, a failed dispatch). */
  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    baseRequest.setHandled(true);
    if (response.isCommitted()) {
      return;
    }
    int status = response.getStatus();
    Object cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (cause instanceof Throwable failure) {
      log.error("internal error in {} {}", request.getMethod(), request.getRequestURI(), failure);
    }
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    String text = describe(status, message instanceof String reason ? reason : null);
    String path = request.getRequestURI();
    byte[] body;
    if (path != null && isUiPath(path)) {
      response.setContentType("text/html;charset=utf-8");
      body = htmlBody(status, text);
    } else {
      response.setContentType("application/json");
      body = jsonBody(status, text);
    }
    response.setHeader(HttpHeader.CACHE_CONTROL.asString(), "no-store");
    response.setContentLength(body.length);
    OutputStream out = response.getOutputStream();
    out.write(body);
    out.flush();
  }

  /** Every error gets a body, whatever the method (Jetty's default skips e.g. PATCH). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 411 -> "length_required";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 417 -> "expectation_failed";
      case 431 -> "headers_too_large";
      case 500 -> "internal";
      case 501 -> "not_implemented";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> "error";
    };
  }

  /**
   * Jetty's reasons are its own fixed phrases ("Ambiguous URI path separator", "Bad Host"), never
   * header values; anything unexpected is left out rather than echoed.
   */
  private static String describe(int status, String reason) {
    String summary =
        switch (status) {
          case 400 -> "the request is malformed";
          case 413 -> "the request body is too large";
          case 414 -> "the request URI is too long (expected: at most 8 KiB of request line)";
          case 431 -> "the request headers are too large (expected: at most 8 KiB in all)";
          case 500 -> "internal error; the server log has the details";
          default -> "the request failed with HTTP status " + status;
        };
    if (reason == null || reason.isBlank() || status == 500 || !reason.matches("[ -~]{1,300}")) {
      return summary;
    }
    if (status == 413 || status == 415) {
      return reason; // BodyLimits' own words: the size and the endpoint's limit, the type
    }
    return summary + ": " + reason;
  }

  private byte[] jsonBody(int status, String message) {
    try {
      return json.writeValueAsBytes(new ApiError(code(status), message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an ApiError", e);
    }
  }

  private static byte[] htmlBody(int status, String message) {
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            + status
            + " · kpam</title><link rel=\"stylesheet\" href=\"/ui/assets/kpam.css\"></head>"
            + "<body><main><h1>Request failed ("
            + status
            + ")</h1><p class=\"error\" data-code=\""
            + code(status)
            + "\">"
            + escape(message)
            + "</p><p><a href=\"/ui\">Back to kpam</a></p></main></body></html>\n";
    return html.getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Same rule as {@code UiRoutes.isUiPath}, on the raw request URI. */
  private static boolean isUiPath(String path) {
    return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
  }
}
