package dev.kpam.cli.access;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.transport.tunnel.RelayRefusedException;
import dev.kpam.transport.tunnel.RelayWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * The one place where the local proxy turns its own refusals and upstream failures into Kubernetes
 * {@code Status} answers, so that kubectl prints a readable line ({@code error: You must be logged
 * in to the server (Unauthorized)}, or the relay's reason).
 */
final class KubeStatus {
  private KubeStatus() {}

  static FullHttpResponse unauthorized() {
    return response(
        HttpResponseStatus.UNAUTHORIZED,
        "Unauthorized",
        "this kpam session's local proxy needs its own token; use the kubeconfig context kpam"
            + " wrote");
  }

  /** The answer for a failure to open the upstream connection to the gateway. */
  static FullHttpResponse forUpstreamFailure(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof RelayRefusedException refused) {
      return RelayWire.SESSION_REFUSED.equals(refused.code())
          ? response(HttpResponseStatus.FORBIDDEN, "Forbidden", refused.reason())
          : response(
              HttpResponseStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable", refused.reason());
    }
    if (cause instanceof GatewayIdentityException) {
      return response(HttpResponseStatus.BAD_GATEWAY, "InternalError", cause.getMessage());
    }
    if (cause instanceof SSLException) {
      return response(
          HttpResponseStatus.BAD_GATEWAY,
          "InternalError",
          "TLS to the kpam relay or gateway failed: " + cause.getMessage());
    }
    return response(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
        "cannot reach the kpam relay: " + cause.getMessage());
  }

  /**
   * The answer when the gateway connection closed after the request went and before any answer:
   * whether the request reached the API server is unknown.
   */
  static FullHttpResponse closedUnanswered() {
    return response(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
        "the connection to the kpam gateway closed before it answered (a gateway instance"
            + " stopped?); the request may or may not have reached the API server");
  }

  /**
   * The last event of a watch whose gateway connection closed: an {@code ERROR} event with a {@code
   * Status}, as the API server ends a watch it cannot go on with, so that kubectl says why.
   */
  static ByteBuf watchEnded() {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("type", "ERROR");
    event.set(
        "object",
        status(
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "the connection to the kpam gateway closed mid-watch (a gateway instance stopped?);"
                + " watch again"));
    return Unpooled.wrappedBuffer((event + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The last line of a followed log whose gateway connection closed, after a line feed where the
   * log's last line had none.
   */
  static ByteBuf logEnded(boolean endsLine) {
    return Unpooled.wrappedBuffer(
        ((endsLine ? "" : "\n")
                + "kpam: the connection to the kpam gateway closed mid-stream (a gateway instance"
                + " stopped?); the log goes on in the pod: kubectl logs -f again\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode status(HttpResponseStatus status, String reason, String message) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("kind", "Status");
    json.put("apiVersion", "v1");
    json.putObject("metadata");
    json.put("status", "Failure");
    json.put("message", message);
    json.put("reason", reason);
    json.put("code", status.code());
    return json;
  }

  static FullHttpResponse response(HttpResponseStatus status, String reason, String message) {
    byte[] body = status(status, reason, message).toString().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
