package dev.kpam.gateway.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets of the gateway's proxy: the server-to-client WebSocket frame boundary tracker and
 * the HTTP/1.1 decoding that starts the proxy pipeline (codec and header sanitizer, as {@link
 * KubeProxy} installs them).
 */
public final class ProxyFuzzTargets {
  private ProxyFuzzTargets() {}

  public static List<FuzzTarget> all() {
    return List.of(webSocketFrameBoundary(), httpRequestDecoding());
  }

  /**
   * Frames built from the input (any opcode, masked or not, every length encoding), fed in pieces
   * of any size: the tracker reports a frame start exactly where a frame ended, never inside one.
   * Then raw bytes: it keeps up without throwing.
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
          int fed = 0;
          while (fed < wire.writerIndex()) {
            int chunk = Math.min(in.consumeInt(1, 40), wire.writerIndex() - fed);
            ByteBuf piece = in.track(wire.retainedSlice(fed, chunk));
            boundary.observe(piece);
            piece.release();
            fed += chunk;
            boolean expected = ends.contains(fed);
            if (boundary.atFrameStart() != expected) {
              throw new AssertionError(
                  "atFrameStart " + boundary.atFrameStart() + " after " + fed + " of " + ends);
            }
          }
          wire.release();
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
                in.buffer(
                    java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
            channel.writeInbound(piece);
            drain(channel, in);
          }
          channel.finish();
          drain(channel, in);
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
