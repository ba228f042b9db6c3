package dev.kpam.cli.access;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The session's {@link GatewayPool}s, one per event loop of the local proxy. */
final class GatewayPools {
  private final Upstream upstream;
  private final Map<EventLoop, GatewayPool> pools = new ConcurrentHashMap<>();

  GatewayPools(Upstream upstream) {
    this.upstream = upstream;
  }

  GatewayPool on(EventLoop loop) {
    return pools.computeIfAbsent(loop, l -> new GatewayPool(l, upstream));
  }
}
