package dev.kpam.cli.access;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's keep-alive connections to the gateway on one event loop of the local proxy, shared
 * by the kubectl connections of that loop and touched only on it. kubectl opens a connection per
 * request it has in flight (about thirty for the discovery of a first command) and a new set for
 * every command, while each connection to the gateway costs a relay dial and two TLS handshakes
 * through three processes: so kubectl's connections borrow gateway connections request by request.
 *
 * <p>A request takes the most recently used idle connection; when none is idle it waits for the
 * first one that is released or dialed, with a dial under way for each waiting request up to {@link
 * #MAX_DIALS}, so a burst of requests is served by the connections that come free rather than by a
 * dial each, and a burst of watches (which keep their connections) by as many dials as it needs. A
 * connection goes back only after a complete keep-alive exchange; one that switched protocols
 * (exec, attach, port-forward) never does. An idle connection keeps a read pending, so one the
 * gateway closes (session ended, gateway restart) leaves the pool at once.
 */
final class GatewayPool {
  private static final Logger log = LoggerFactory.getLogger(GatewayPool.class);

  /** Connections dialed when the proxy starts, before kubectl needs them. */
  static final int WARM = 8;

  static final int MAX_DIALS = 16;
  static final int MAX_IDLE = 16;

  /** A connection lent for one exchange. */
  record Lease(Channel channel) {}

  private final EventLoop loop;
  private final Upstream upstream;
  private final Deque<Channel> idle = new ArrayDeque<>();
  private final Deque<Promise<Lease>> waiting = new ArrayDeque<>();
  private int dialing;

  GatewayPool(EventLoop loop, Upstream upstream) {
    this.loop = loop;
    this.upstream = upstream;
  }

  /** Dials {@code count} connections into the pool; failures only leave it emptier. */
  void warm(int count) {
    loop.execute(
        () -> {
          for (int i = 0; i < count && dialing < MAX_DIALS; i++) {
            dial();
          }
        });
  }

  /**
   * A connection for one exchange, on this pool's loop. {@code fresh}: never one that was idle (a
   * retry after an idle connection turned out dead).
   */
  Future<Lease> acquire(boolean fresh) {
    Promise<Lease> lease = loop.newPromise();
    if (!fresh) {
      for (Channel channel; (channel = idle.pollFirst()) != null; ) {
        if (channel.isActive()) {
          lease.setSuccess(new Lease(channel));
          return lease;
        }
      }
    }
    waiting.addLast(lease);
    if (fresh) {
      dial();
    } else {
      dialForWaiting();
    }
    return lease;
  }

  /**
   * Back after a complete keep-alive exchange: to the first waiting request, else idle. Handed on
   * in a task of its own, never inside the write or read that ended the exchange.
   */
  void release(Channel channel) {
    loop.execute(() -> offer(channel));
  }

  private void offer(Channel channel) {
    if (!channel.isActive()) {
      return;
    }
    for (Promise<Lease> next; (next = waiting.pollFirst()) != null; ) {
      if (next.trySuccess(new Lease(channel))) {
        return;
      }
    }
    if (idle.size() >= MAX_IDLE) {
      channel.close();
      return;
    }
    idle.addFirst(channel);
    channel.read(); // notices a close by the gateway while idle
  }

  private void dial() {
    dialing++;
    upstream
        .open(loop)
        .whenComplete(
            (channel, failure) ->
                loop.execute(
                    () -> {
                      dialing--;
                      dialed(channel, failure);
                    }));
  }

  private void dialed(Channel channel, Throwable failure) {
    if (failure != null) {
      Promise<Lease> first = waiting.pollFirst();
      if (first == null) {
        log.debug("could not open a connection to the gateway ahead of need", failure);
      } else {
        first.tryFailure(failure);
      }
      dialForWaiting();
      return;
    }
    channel
        .pipeline()
        .addLast(
            "http",
            new HttpClientCodec(
                4096, RequestForwarder.MAX_HEADER_SIZE, RequestForwarder.MAX_BODY_PIECE))
        .addLast("response-forwarder", new ResponseForwarder());
    channel.closeFuture().addListener(closed -> loop.execute(() -> idle.remove(channel)));
    for (Promise<Lease> next; (next = waiting.pollFirst()) != null; ) {
      if (next.trySuccess(new Lease(channel))) {
        dialForWaiting();
        return;
      }
    }
    offer(channel);
  }

  /**
   * Dials until every waiting request has a dial of its own under way, up to {@link #MAX_DIALS}. A
   * dial serves one request, and requests that last (watches, {@code logs -f}) never give their
   * connection back: without a dial of their own, requests beyond the first {@link #MAX_DIALS} of a
   * burst would wait for ever.
   */
  private void dialForWaiting() {
    while (dialing < Math.min(MAX_DIALS, waiting.size())) {
      dial();
    }
  }
}
