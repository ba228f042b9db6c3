package dev.kpam.cli.access;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletionStage;

/**
 * Opens the connection to the gateway for one kubectl connection: a channel on {@code loop} (the
 * kubectl channel's own, so that both legs share one thread), auto-read off, whose pipeline ends
 * with the inner TLS handler after a completed handshake with the session's gateway. It carries
 * plain HTTP/1.1 bytes.
 */
interface Upstream {
  CompletionStage<Channel> open(EventLoop loop);
}
