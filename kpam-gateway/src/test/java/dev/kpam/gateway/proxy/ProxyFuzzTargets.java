package dev.kpam.gateway.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.gateway.record.SessionEvents;
import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.gateway.session.SessionDirectory;
import dev.kpam.gateway.session.SessionDirectoryUnavailableException;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fuzz targets of the gateway's proxy: the server-to-client WebSocket frame boundary tracker and
 * the HTTP/1.1 decoding that starts the proxy pipeline (codec and header sanitizer, as {@link
 * KubeProxy} installs them).
 */
public final class ProxyFuzzTargets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProxyFuzzTargets() {}

  public static List<FuzzTarget> all() {
    return List.of(webSocketFrameBoundary(), httpRequestDecoding(), requestPipeline());
  }

  /**
   * Frames built from the input (any opcode, masked or not, every length encoding), fed in pieces
   * of any size: the tracker reports a frame start exactly where a frame ended, never inside one,
   * and none after a length it cannot follow. Then raw bytes: it keeps up without throwing.
   */
  static FuzzTarget webSocketFrameBoundary() {
    return FuzzTarget.of(
        "ws-frame-boundary",
        List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[64], "aaaaaaaaaaaaaaaa".getBytes()),
        in -> {
          WebSocketFrameBoundary boundary = new WebSocketFrameBoundary();
          ByteBuf wire = Unpooled.buffer();
          List<Integer> ends = new ArrayList<>();
          int frames = in.consumeInt(0, 6);
          for (int f = 0; f < frames; f++) {
            writeFrame(wire, in);
            ends.add(wire.writerIndex());
          }
          // Now and then a length with its most significant bit set (RFC 6455 §5.2 forbids it):
          // no boundary can be known after it, whatever follows.
          int lost = -1;
          if (in.consumeInt(0, 3) == 0) {
            wire.writeByte(0x82).writeByte(127).writeLong(Long.MIN_VALUE | in.consumeInt(0, 300));
            lost = wire.writerIndex();
            wire.writeBytes(in.consumeBytes(in.consumeInt(0, 64)));
          }
          int fed = 0;
          try {
            while (fed < wire.writerIndex()) {
              int chunk = Math.min(in.consumeInt(1, 40), wire.writerIndex() - fed);
              ByteBuf piece = in.track(wire.retainedSlice(fed, chunk));
              boundary.observe(piece);
              piece.release();
              fed += chunk;
              boolean expected = ends.contains(fed) && (lost < 0 || fed < lost);
              if (boundary.atFrameStart() != expected) {
                throw new AssertionError(
                    "atFrameStart " + boundary.atFrameStart() + " after " + fed + " of " + ends);
              }
            }
          } finally {
            wire.release();
          }
          ByteBuf raw = in.buffer(in.remainingBytes());
          boundary.observe(raw);
          raw.release();
        });
  }

  private static void writeFrame(ByteBuf wire, FuzzInput in) {
    int first = in.consumeByte();
    boolean masked = in.consumeBoolean();
    int length = in.consumeInt(0, 300);
    int encoding = length < 126 ? in.consumeInt(0, 2) : length <= 0xffff ? in.consumeInt(1, 2) : 2;
    wire.writeByte(first);
    int mask = masked ? 0x80 : 0;
    switch (encoding) {
      case 0 -> wire.writeByte(mask | length);
      case 1 -> wire.writeByte(mask | 126).writeShort(length);
      default -> wire.writeByte(mask | 127).writeLong(length);
    }
    if (masked) {
      wire.writeInt(in.consumeInt(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
    for (int i = 0; i < length; i++) {
      wire.writeByte(in.consumeByte());
    }
  }

  /**
   * Requests as kubectl sends them, mutated, fed to the HTTP codec and header sanitizer in pieces:
   * nothing escapes the pipeline, and every message that comes out is released.
   */
  static FuzzTarget httpRequestDecoding() {
    return FuzzTarget.of(
        "http-request-decoding",
        List.of(
            ("GET /api/v1/namespaces/default/pods?watch=true HTTP/1.1\r\nHost: k\r\n"
                    + "Authorization: Bearer x\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n")
                .getBytes(US_ASCII),
            ("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: k\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 13\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\n\r\n{\"kind\":\"x\"}\n"
                    + "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                .getBytes(US_ASCII),
            ("GET /api/v1/namespaces/web/pods/p/exec?command=sh&stdin=true HTTP/1.1\r\n"
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nImpersonate-User: admin\r\n"
                    + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n")
                .getBytes(US_ASCII)),
        in -> {
          EmbeddedChannel channel =
              new EmbeddedChannel(
                  new HttpServerCodec(4096, 64 * 1024, 8192), HeaderSanitizer.INSTANCE);
          int chunk = in.consumeInt(1, 512);
          byte[] bytes = in.remainingBytes();
          for (int i = 0; i < bytes.length && channel.isOpen(); i += chunk) {
            ByteBuf piece =
                in.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
            channel.writeInbound(piece);
            drain(channel, in);
          }
          channel.finish();
          drain(channel, in);
        });
  }

  private static final String SA_TOKEN = "sa-token-of-the-account";

  /**
   * Requests fed to the gateway's request pipeline after TLS, as {@link KubeProxy} builds it (HTTP
   * codec, exchange recorder, session check, header sanitizer, credential injector), with a session
   * that is active, denied, expired or unverifiable: nothing escapes, every buffer is released, the
   * events recorded are plain JSON values, and every request that goes on carries the account's
   * credential and none of kubectl's.
   */
  static FuzzTarget requestPipeline() {
    return FuzzTarget.of(
        "proxy-request-pipeline",
        httpRequestDecoding().seeds(),
        in -> {
          int outcome = in.consumeInt(0, 3);
          int chunk = in.consumeInt(1, 512);
          byte[] bytes = in.remainingBytes();
          Instant now = Instant.parse("2026-12-02T10:00:00Z");
          Clock clock = Clock.fixed(now, ZoneOffset.UTC);
          SessionLookup active =
              ProxyFixture.lookup(
                  "s-1", "https://127.0.0.1:6443/prefix", null, SA_TOKEN, now.plusSeconds(3600));
          CompletableFuture<SessionLookup> lookup =
              switch (outcome) {
                case 0 -> CompletableFuture.completedFuture(active);
                case 1 ->
                    CompletableFuture.failedFuture(
                        new SessionDeniedException("s-1", "kpam session s-1 has ended"));
                case 2 ->
                    CompletableFuture.completedFuture(
                        ProxyFixture.lookup(
                            "s-1", "https://127.0.0.1:6443", null, SA_TOKEN, now.minusSeconds(1)));
                default ->
                    CompletableFuture.failedFuture(
                        new SessionDirectoryUnavailableException("server down", null));
              };
          SessionDirectory directory =
              new SessionDirectory() {
                @Override
                public CompletionStage<SessionLookup> lookup(String id) {
                  return lookup;
                }

                @Override
                public void invalidate(String id) {}

                @Override
                public void invalidateAll() {}
              };
          List<String> problems = new ArrayList<>();
          SessionEvents events =
              (sessionId, type, data) -> {
                try {
                  JSON.writeValueAsString(data);
                } catch (JsonProcessingException e) {
                  problems.add("event " + type + " is not JSON: " + e);
                }
              };
          EmbeddedChannel channel = new EmbeddedChannel();
          ProxyConnection connection = new ProxyConnection(channel, "s-1");
          connection.recorder = new ExchangeRecorder(connection, events);
          channel
              .pipeline()
              .addLast(new HttpServerCodec(4096, 64 * 1024, 8192))
              .addLast(connection.recorder)
              .addLast(
                  new SessionCheck(
                      connection,
                      directory,
                      new SessionConnections(),
                      SessionRecording.NONE,
                      clock))
              .addLast(HeaderSanitizer.INSTANCE)
              .addLast(new CredentialInjector(connection))
              .addLast(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                      if (msg instanceof HttpRequest request) {
                        HttpHeaders headers = request.headers();
                        if (!headers
                                .getAll(HttpHeaderNames.AUTHORIZATION)
                                .equals(List.of("Bearer " + SA_TOKEN))
                            || headers.names().stream()
                                .anyMatch(
                                    n -> n.toLowerCase(Locale.ROOT).startsWith("impersonate-"))) {
                          problems.add("forwarded with " + headers);
                        }
                        if (outcome != 0) {
                          problems.add("forwarded although the session is refused");
                        }
                      }
                      ReferenceCountUtil.release(msg);
                    }
                  });
          try {
            for (int i = 0; i < bytes.length && channel.isOpen(); i += chunk) {
              channel.writeInbound(
                  in.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))));
              channel.runPendingTasks();
              drain(channel, in);
            }
          } finally {
            channel.close();
            channel.runPendingTasks();
            drain(channel, in);
            channel.finishAndReleaseAll();
          }
          if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems));
          }
        });
  }

  private static void drain(EmbeddedChannel channel, FuzzInput in) {
    for (Object message; (message = channel.readInbound()) != null; ) {
      release(message);
    }
    for (Object message; (message = channel.readOutbound()) != null; ) {
      release(message);
    }
  }

  private static void release(Object message) {
    if (message instanceof ReferenceCounted counted) {
      counted.release();
    }
  }
}
