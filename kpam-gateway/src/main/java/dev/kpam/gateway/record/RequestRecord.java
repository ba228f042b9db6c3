package dev.kpam.gateway.record;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches one HTTP exchange of a session and appends its {@code request} event (docs/RECORDING.md
 * §1) when it ends: counts body bytes both ways as they pass, keeps at most {@link #BODY_CAP} bytes
 * of a mutating request's body (copied, never retained), and notes the status, kpam's own error and
 * an upgrade. Used on the connection's event loop only; {@link #end} is idempotent.
 *
 * <pre>{@code
 * RequestRecord record = new RequestRecord(events, "s-1", "r-1", "GET", "/api/v1/pods?watch=1", headers);
 * record.status(200); record.bytesOut(512); record.end();
 * }</pre>
 */
public final class RequestRecord {
  /** Request body bytes kept at most (RECORDING.md §3). */
  public static final int BODY_CAP = 64 * 1024;

  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH");

  private final SessionEvents events;
  private final String sessionId;
  private final String id;
  private final String method;
  private final String path;
  private final String query;
  private final Headers headers;
  private final long startNanos = System.nanoTime();
  private final boolean captureBody;
  private CappedBytes body = new CappedBytes();
  private CappedBytes response = new CappedBytes();
  private String responseType;
  private boolean responseEncoded;
  private long bytesIn;
  private long bytesOut;
  private int status;
  private String error;
  private String upgrade;
  private boolean ended;
  private boolean openAppended;

  /** The request headers a {@code request} event keeps; nothing else of them is recorded. */
  public record Headers(
      String userAgent, String kubectlCommand, String kubectlSession, String contentType) {}

  public RequestRecord(
      SessionEvents events,
      String sessionId,
      String id,
      String method,
      String uri,
      Headers headers) {
    this.events = events;
    this.sessionId = sessionId;
    this.id = id;
    this.method = method;
    int q = uri.indexOf('?');
    this.path = q < 0 ? uri : uri.substring(0, q);
    this.query = q < 0 ? "" : uri.substring(q + 1);
    this.headers = headers;
    this.captureBody = MUTATING.contains(method.toUpperCase(Locale.ROOT));
  }

  public String id() {
    return id;
  }

  /** A piece of the request body on its way upstream; only read, never retained. */
  public void bodyIn(ByteBuf content) {
    int readable = content.readableBytes();
    bytesIn += readable;
    if (captureBody) {
      body.add(content);
    }
  }

  public void bytesOut(long count) {
    bytesOut += count;
  }

  /**
   * A piece of the response body on its way to the client; only read, never retained. Of a mutating
   * request the first {@link #BODY_CAP} bytes are looked at when the exchange ends, for the
   * object's name when the request did not give it ({@code generateName}, protobuf bodies cut at
   * the cap); they are never recorded.
   */
  public void bodyOut(ByteBuf content) {
    int readable = content.readableBytes();
    bytesOut += readable;
    if (captureBody && !responseEncoded) {
      response.add(content);
    }
  }

  /** The response's {@code Content-Type} and whether it has a {@code Content-Encoding} (gzip). */
  public void responseType(String contentType, boolean encoded) {
    responseType = contentType;
    responseEncoded = encoded;
  }

  public void status(int code) {
    status = code;
  }

  /** kpam answered the request itself, for this reason. */
  public void error(String reason) {
    error = reason;
  }

  /** The request switched protocols to {@code protocol} (SPDY/3.1 or the WebSocket subprotocol). */
  public void upgrade(String protocol) {
    upgrade = protocol;
  }

  public boolean ended() {
    return ended;
  }

  /**
   * The request has arrived: if it is a long-running one (watch, {@code logs -f}, or an upgrade:
   * exec, attach, port-forward), appends a {@code request_open} event now, before it goes upstream,
   * so that a gateway killed before the exchange ends still leaves a record of it
   * (docs/RECORDING.md §1). Short exchanges append nothing here.
   */
  public void opened(boolean upgradeRequested) {
    if (ended || openAppended || !(upgradeRequested || RequestInfo.lasting(method, path, query))) {
      return;
    }
    openAppended = true;
    events.append(sessionId, "request_open", fields(RequestInfo.parse(method, path, query)));
  }

  /** The exchange is over: appends the event (once). */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    RequestInfo info = RequestInfo.parse(method, path, query);
    Map<String, Object> data = fields(info);
    data.put("latencyMs", (System.nanoTime() - startNanos) / 1_000_000.0);
    data.put("bytesIn", bytesIn);
    data.put("bytesOut", bytesOut);
    boolean hasBody = captureBody && bytesIn > 0;
    data.put(
        "body",
        hasBody
            ? BodyRedaction.redact(
                body.bytes(), bytesIn > body.length(), headers.contentType(), info.resource())
            : null);
    data.put("bodyTruncated", hasBody && bytesIn > body.length());
    data.put("bodyType", hasBody ? headers.contentType() : null);
    data.put("bodySize", captureBody ? bytesIn : 0L);
    data.put("error", error);
    object(hasBody).ifPresent(object -> data.put("object", object.fields()));
    if (hasBody && "selfsubjectaccessreviews".equals(info.resource())) {
      ObjectIdentity.accessQuestion(body.bytes(), headers.contentType())
          .ifPresent(question -> data.put("accessQuestion", question));
    }
    body = null;
    response = null;
    events.append(sessionId, "request", data);
  }

  /**
   * The object a mutating request wrote, from its body, and its name from a successful response
   * when the body gave none (the server made it from {@code generateName}, or the body is cut).
   */
  private Optional<ObjectIdentity> object(boolean hasBody) {
    Optional<ObjectIdentity> sent =
        hasBody ? ObjectIdentity.of(body.bytes(), headers.contentType()) : Optional.empty();
    if (sent.map(ObjectIdentity::name).isPresent()
        || !captureBody
        || status < 200
        || status >= 300
        || response.length() == 0) {
      return sent;
    }
    Optional<ObjectIdentity> answered = ObjectIdentity.of(response.bytes(), responseType);
    if (answered.map(ObjectIdentity::name).isEmpty()) {
      return sent;
    }
    ObjectIdentity made = answered.get();
    return Optional.of(
        sent.map(
                s ->
                    new ObjectIdentity(
                        s.kind() != null ? s.kind() : made.kind(),
                        made.name(),
                        s.generateName(),
                        s.namespace() != null ? s.namespace() : made.namespace()))
            .orElse(made));
  }

  /** What both the {@code request_open} and the {@code request} event say. */
  private Map<String, Object> fields(RequestInfo info) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", id);
    data.put("method", method);
    data.put("path", path);
    data.put("query", query);
    data.put("verb", info.verb());
    data.put("apiGroup", info.apiGroup());
    data.put("apiVersion", info.apiVersion());
    data.put("resource", info.resource());
    data.put("subresource", info.subresource());
    data.put("namespace", info.namespace());
    data.put("name", info.name());
    data.put("resourceRequest", info.resourceRequest());
    data.put("status", status);
    data.put("userAgent", headers.userAgent());
    data.put("kubectlCommand", headers.kubectlCommand());
    data.put("kubectlSession", headers.kubectlSession());
    data.put("upgrade", upgrade);
    return data;
  }

  /**
   * The first {@link #BODY_CAP} bytes of a body as it passes, copied (the buffers are only read);
   * grows as they come, and is copied out once.
   */
  private static final class CappedBytes {
    private byte[] bytes = new byte[0];
    private int length;
    private byte[] whole;

    void add(ByteBuf content) {
      int readable = content.readableBytes();
      if (length >= BODY_CAP || readable == 0) {
        return;
      }
      int take = Math.min(readable, BODY_CAP - length);
      if (bytes.length < length + take) {
        bytes = Arrays.copyOf(bytes, Math.min(BODY_CAP, Math.max(length + take, bytes.length * 2)));
      }
      content.getBytes(content.readerIndex(), bytes, length, take);
      length += take;
      whole = null;
    }

    int length() {
      return length;
    }

    byte[] bytes() {
      if (whole == null) {
        whole = Arrays.copyOf(bytes, length);
      }
      return whole;
    }
  }
}
