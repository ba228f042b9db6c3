package dev.kpam.cli.access;

import dev.kpam.transport.tunnel.RelayDialer;
import dev.kpam.transport.tunnel.RelayRefusedException;
import dev.kpam.transport.tunnel.RelayWire;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Upstream}: a relay stream (outer TLS with the session certificate, then the
 * relay's status line) and inside it the inner TLS to the gateway. Both TLS contexts are made once
 * per session so that repeat handshakes resume.
 *
 * <p>With several relays announced, a connection goes through the one that worked last (the first
 * at the start); when that one cannot be reached or has no tunnel of the gateway, the next is
 * tried, each once per connection. A relay's refusal of the session itself (ended, terminated) is
 * final.
 */
final class RelayUpstream implements Upstream {
  private static final Logger log = LoggerFactory.getLogger(RelayUpstream.class);

  private final RelayDialer dialer;
  private final List<InetSocketAddress> relays;
  private final SessionTls tls;
  private final AtomicInteger preferred = new AtomicInteger();

  RelayUpstream(RelayDialer dialer, List<InetSocketAddress> relays, SessionTls tls) {
    if (relays.isEmpty()) {
      throw new IllegalArgumentException("relays: none");
    }
    this.dialer = dialer;
    this.relays = List.copyOf(relays);
    this.tls = tls;
  }

  @Override
  public CompletionStage<Channel> open(EventLoop loop) {
    return open(loop, preferred.get(), 0);
  }

  private CompletionStage<Channel> open(EventLoop loop, int index, int tried) {
    InetSocketAddress relay = relays.get(index);
    return dialer
        .dial(loop, relay, tls.outer())
        .thenCompose(channel -> GatewayTls.secure(channel, tls.inner(), tls.gatewayId()))
        .handle(
            (channel, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(channel);
              }
              int next = (index + 1) % relays.size();
              if (tried + 1 >= relays.size() || isFinal(failure)) {
                return CompletableFuture.<Channel>failedFuture(failure);
              }
              log.debug("relay {} failed ({}); trying {}", relay, failure, relays.get(next));
              preferred.compareAndSet(index, next);
              return open(loop, next, tried + 1);
            })
        .thenCompose(stage -> stage);
  }

  /** A refusal of the session itself: no other relay would admit it either. */
  private static boolean isFinal(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof RelayRefusedException refused
        && RelayWire.SESSION_REFUSED.equals(refused.code());
  }
}
