package dev.kpam.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A Kubernetes {@code Status} (kind Status, apiVersion v1, status Failure) for every answer kpam
 * itself gives kubectl, so that kubectl prints {@code message} as its error line.
 */
record KubeStatus(int code, String reason, String message) {
  private static final ObjectMapper JSON = new ObjectMapper();

  KubeStatus {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("code: " + code + " (expected: 400..599)");
    }
  }

  static KubeStatus forbidden(String message) {
    return new KubeStatus(403, "Forbidden", message);
  }

  static KubeStatus badRequest(String message) {
    return new KubeStatus(400, "BadRequest", message);
  }

  static KubeStatus badGateway(String message) {
    return new KubeStatus(502, "InternalError", message);
  }

  static KubeStatus unavailable(String message) {
    return new KubeStatus(503, "ServiceUnavailable", message);
  }

  byte[] json() {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", "Status");
    node.put("apiVersion", "v1");
    node.putObject("metadata");
    node.put("status", "Failure");
    node.put("message", message);
    node.put("reason", reason);
    node.put("code", code);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The whole HTTP answer; the connection closes after it (kpam answers only when it gives up). */
  FullHttpResponse response(ByteBufAllocator alloc) {
    byte[] body = json();
    FullHttpResponse response = new Answer(this, alloc.buffer(body.length).writeBytes(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /** kpam's own answer, so that the recorder can tell it from the API server's ({@code error}). */
  static final class Answer extends DefaultFullHttpResponse {
    private final KubeStatus status;

    Answer(KubeStatus status, ByteBuf content) {
      super(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status.code()), content);
      this.status = status;
    }

    KubeStatus kubeStatus() {
      return status;
    }
  }

  @Override
  public String toString() {
    return new String(json(), StandardCharsets.UTF_8);
  }
}
