package dev.kpam.gateway.proxy;

import dev.kpam.transport.spdy.SpdyStream;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells a person at an interactive exec or attach that the session is about to end: five minutes
 * and one minute before it expires, a line on the terminal ("kpam: this session ends in 5
 * minutes"), written as the stdout of the stream between two of the API server's frames. Only for a
 * TTY ({@code tty=true}) on the exec/attach protocols kpam follows frame by frame (WebSocket v4/v5,
 * SPDY/3.1 with stream protocol v4/v5): a non-TTY stream is a program's input and output and is
 * never altered.
 *
 * <pre>{@code
 * ExpiryNotice.schedule(connection, uri, lookup.expiresAt(), clock);
 * }</pre>
 */
final class ExpiryNotice {
  static final List<Duration> BEFORE = List.of(Duration.ofMinutes(5), Duration.ofMinutes(1));

  private static final int STDOUT_CHANNEL = 1;
  private static final String STDOUT_STREAM = "stdout";
  private static final long RETRY_MILLIS = 20;
  private static final int RETRIES = 250;

  private ExpiryNotice() {}

  /** After a 101 of {@code uri}; runs on the client's event loop. */
  static void schedule(ProxyConnection connection, String uri, Instant expiresAt, Clock clock) {
    if (!isTty(uri) || !(connection.isChannelProtocol() || connection.isSpdyStatusProtocol())) {
      return;
    }
    Channel client = connection.client;
    for (Duration before : BEFORE) {
      long delay = Duration.between(clock.instant(), expiresAt.minus(before)).toMillis();
      if (delay <= 0) {
        continue;
      }
      String text = "\r\nkpam: this session ends in " + words(before) + "\r\n";
      client
          .eventLoop()
          .schedule(() -> write(connection, text, RETRIES), delay, TimeUnit.MILLISECONDS);
    }
  }

  static boolean isTty(String uri) {
    List<String> tty = new QueryStringDecoder(uri).parameters().get("tty");
    return tty != null && !tty.isEmpty() && (tty.get(0).equals("true") || tty.get(0).equals("1"));
  }

  private static String words(Duration before) {
    long minutes = before.toMinutes();
    return minutes == 1 ? "1 minute" : minutes + " minutes";
  }

  /** Writes the line at the next frame boundary of the server's side; gives up after a while. */
  private static void write(ProxyConnection connection, String text, int retries) {
    Channel client = connection.client;
    if (connection.terminated || !client.isActive()) {
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = null;
    if (connection.isChannelProtocol()) {
      if (connection.serverFrames.atFrameStart()) {
        out = client.alloc().buffer(bytes.length + 16);
        WebSocketFrameBoundary.writeChannelFrame(out, STDOUT_CHANNEL, bytes);
      }
    } else {
      SpdyStreams spdy = connection.spdyStreams;
      SpdyStream stdout =
          spdy.streams().stream()
              .filter(s -> s.type().equals(STDOUT_STREAM) && s.serverHalfOpen())
              .findFirst()
              .orElse(null);
      if (stdout == null) {
        return;
      }
      if (spdy.serverAtFrameStart()) {
        out = client.alloc().buffer(bytes.length + 8);
        SpdyStreams.writeDataFrame(out, stdout.id(), bytes, false);
      }
    }
    if (out != null) {
      client.writeAndFlush(out);
    } else if (retries > 0) {
      client
          .eventLoop()
          .schedule(
              () -> write(connection, text, retries - 1), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
