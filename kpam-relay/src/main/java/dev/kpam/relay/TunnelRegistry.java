package dev.kpam.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The live tunnels by gateway id; several per id (HA), picked round robin. Thread-safe: tunnels
 * register on their own event loops and are looked up from clients' event loops.
 */
final class TunnelRegistry {
  private final ConcurrentMap<String, List<Channel>> byGateway = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  /** Registers {@code tunnel} until it closes. */
  void add(String gatewayId, Channel tunnel) {
    byGateway.compute(
        gatewayId,
        (id, tunnels) -> {
          List<Channel> list = tunnels == null ? new CopyOnWriteArrayList<>() : tunnels;
          list.add(tunnel);
          return list;
        });
    tunnel.closeFuture().addListener(f -> remove(gatewayId, tunnel));
  }

  /** A live tunnel of {@code gatewayId}, the next in turn, or null if it has none. */
  Channel next(String gatewayId) {
    List<Channel> tunnels = byGateway.get(gatewayId);
    if (tunnels == null) {
      return null;
    }
    List<Channel> live = tunnels.stream().filter(Channel::isActive).toList();
    return live.isEmpty() ? null : live.get(Math.floorMod(turn.getAndIncrement(), live.size()));
  }

  /** Every tunnel taking new connections now, a snapshot. */
  List<Channel> all() {
    return byGateway.values().stream().flatMap(List::stream).toList();
  }

  /** Closes every tunnel; completes when all are closed. */
  List<ChannelFuture> closeAll() {
    return all().stream().map(Channel::close).toList();
  }

  Map<String, Integer> counts() {
    return byGateway.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().size()));
  }

  /** No more new connections on {@code tunnel} (its gateway instance drains); it stays open. */
  void retire(String gatewayId, Channel tunnel) {
    remove(gatewayId, tunnel);
  }

  private void remove(String gatewayId, Channel tunnel) {
    byGateway.computeIfPresent(
        gatewayId,
        (id, tunnels) -> {
          tunnels.remove(tunnel);
          return tunnels.isEmpty() ? null : tunnels;
        });
  }
}
