package dev.kpam.cli.access;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzSuite;
import dev.kpam.testing.fuzz.FuzzTarget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fuzz target of the local proxy's request path, as {@link LocalProxy} builds it minus TLS:
 * kubectl's bytes through the HTTP codec, {@link LocalTokenCheck} and {@link RequestForwarder} to
 * an upstream channel, and the gateway's answer back through {@link ResponseForwarder} (and {@link
 * UpgradeRewire} after a 101), both legs in {@link EmbeddedChannel}s.
 */
public final class AccessFuzzTargets implements FuzzSuite {
  static final String TOKEN = "t0ken-of-the-session";

  @Override
  public List<FuzzTarget> targets() {
    return all();
  }

  public static List<FuzzTarget> all() {
    return List.of(localProxyExchange());
  }

  private static byte[] pair(String first, String second) {
    byte[] a = first.getBytes(US_ASCII);
    byte[] b = second.getBytes(US_ASCII);
    return ByteBuffer.allocate(2 + a.length + b.length)
        .putShort((short) a.length)
        .put(a)
        .put(b)
        .array();
  }

  /**
   * Requests (with the token, without it, or with another) and answers of any shape, in pieces:
   * nothing escapes either pipeline, every buffer fed is released, and a request without the token
   * never reaches the upstream.
   */
  static FuzzTarget localProxyExchange() {
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    return FuzzTarget.of(
        "cli-local-proxy",
        List.of(
            pair(
                "GET /api/v1/pods HTTP/1.1\r\nHost: k\r\n"
                    + auth
                    + "\r\n"
                    + "POST /api/v1/namespaces/d/configmaps HTTP/1.1\r\n"
                    + auth
                    + "Content-Length: 5\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
                    + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            pair(
                "GET /api/v1/namespaces/d/pods/p/exec?command=sh HTTP/1.1\r\n"
                    + auth
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n\u0080\u0003\u0000\u0001",
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n"
                    + "\u0080\u0003\u0000\u0002\u0000\u0000\u0000\u0004\u0000\u0000\u0000\u0001"),
            pair(
                "GET /api/v1/pods HTTP/1.1\r\nAuthorization: Bearer wrong\r\n\r\n",
                "HTTP/1.1 200 OK\r\n\r\n"),
            pair(
                "GET /api/v1/pods/x/attach HTTP/1.1\r\n"
                    + auth
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")),
        in -> {
          int chunk = in.consumeInt(1, 256);
          int split = Math.min(in.remaining(), in.consumeInt(0, 0xffff));
          byte[] requests = in.consumeBytes(split);
          byte[] answers = in.remainingBytes();
          EmbeddedChannel gateway = new EmbeddedChannel();
          gateway.config().setAutoRead(false);
          EmbeddedChannel kubectl =
              new EmbeddedChannel(
                  new HttpServerCodec(
                      RequestForwarder.MAX_HEADER_SIZE, RequestForwarder.MAX_HEADER_SIZE, 8192),
                  new LocalTokenCheck(TOKEN),
                  new RequestForwarder(new GatewayPools(onlyOnce(gateway))));
          boolean tokenSent = new String(requests, US_ASCII).contains("Bearer " + TOKEN);
          try {
            int forwarded = 0;
            for (int i = 0; i < requests.length && kubectl.isOpen(); i += chunk) {
              kubectl.writeInbound(piece(in, requests, i, chunk));
              forwarded += settle(kubectl, gateway);
            }
            if (forwarded > 0 && !tokenSent) {
              throw new AssertionError("a request without the token reached the upstream");
            }
            for (int i = 0;
                i < answers.length && gateway.isOpen() && gateway.pipeline().first() != null;
                i += chunk) {
              gateway.writeInbound(piece(in, answers, i, chunk));
              settle(kubectl, gateway);
            }
          } finally {
            kubectl.close();
            gateway.close();
            settle(kubectl, gateway);
            kubectl.finishAndReleaseAll();
            gateway.finishAndReleaseAll();
          }
        });
  }

  /** The gateway connection the first time, a failed dial after that (it is the only one). */
  private static Upstream onlyOnce(Channel gateway) {
    AtomicBoolean given = new AtomicBoolean();
    return loop ->
        given.compareAndSet(false, true)
            ? CompletableFuture.completedFuture(gateway)
            : CompletableFuture.failedFuture(new IOException("the gateway is gone"));
  }

  private static ByteBuf piece(FuzzInput in, byte[] bytes, int from, int chunk) {
    return in.buffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk)));
  }

  /** Runs what the loops hold and releases what each leg wrote; the count written upstream. */
  private static int settle(EmbeddedChannel kubectl, EmbeddedChannel gateway) {
    int upstream = 0;
    for (int round = 0; round < 3; round++) {
      kubectl.runPendingTasks();
      gateway.runPendingTasks();
      for (Object out; (out = gateway.readOutbound()) != null; ) {
        upstream++;
        ReferenceCountUtil.release(out);
      }
      for (Object out; (out = kubectl.readOutbound()) != null; ) {
        ReferenceCountUtil.release(out);
      }
    }
    return upstream;
  }
}
