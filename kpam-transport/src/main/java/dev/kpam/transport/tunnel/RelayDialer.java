package dev.kpam.transport.tunnel;

import dev.kpam.transport.tls.RelayIdentityCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Connects a client to a gateway through the relay (DATA-PLANE.md §1): TCP, TLS with the session
 * certificate, the hello line, then the relay's status line.
 *
 * <p>The returned stage completes, on the channel's event loop, with a channel whose pipeline holds
 * only the {@link SslHandler} (name {@code "tls"}) and carries raw {@code ByteBuf}s to and from the
 * gateway stream; auto-read is off. Install your handlers (e.g. the inner TLS), then call {@code
 * read()} or turn auto-read on: bytes the relay sent right after its status line are delivered
 * first, on that read. It fails with {@link RelayRefusedException} when the relay says {@code
 * KPAM/1 ERR}, with the {@code SSLException} when TLS fails (e.g. an expired certificate, or a peer
 * that is not a kpam relay: {@link RelayIdentityCheck}), and with an {@code IOException} otherwise.
 *
 * <pre>{@code
 * Channel toGateway = new RelayDialer().dial(group, relayAddress, sessionTls).toCompletableFuture().get();
 * toGateway.pipeline().addLast(innerTls.newHandler(toGateway.alloc()), new MyHandler());
 * }</pre>
 *
 * <p>The event loop group must be NIO based. Instances are immutable and thread-safe.
 */
public final class RelayDialer {
  private final Duration connectTimeout;
  private final Duration statusTimeout;

  /** A dialer giving up after 10 s to connect and 30 s to get the status line. */
  public RelayDialer() {
    this(Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  public RelayDialer(Duration connectTimeout, Duration statusTimeout) {
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("statusTimeout", statusTimeout);
    this.connectTimeout = connectTimeout;
    this.statusTimeout = statusTimeout;
  }

  public CompletionStage<Channel> dial(
      EventLoopGroup group, InetSocketAddress relay, SslContext sessionTls) {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(sessionTls, "sessionTls");
    CompletableFuture<Channel> result = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            "tls",
                            sessionTls.newHandler(
                                ch.alloc(), relay.getHostString(), relay.getPort()))
                        .addLast(RelayIdentityCheck.NAME, new RelayIdentityCheck())
                        .addLast(
                            StatusLineReader.NAME, new StatusLineReader(result, statusTimeout));
                  }
                });
    bootstrap
        .connect(relay)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess()) {
                    result.completeExceptionally(connected.cause());
                  }
                });
    return result;
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: positive)");
    }
  }
}
