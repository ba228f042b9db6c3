package dev.kpam.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpRequest;

/** One request/response pair on its way through {@link UpstreamForwarder}. */
final class Exchange {
  final UpstreamTarget target;
  final boolean upgrade;
  final String uri;

  /** Unique in the session (and across gateway restarts): names the request's events. */
  final String requestId;

  HttpRequest request;
  Channel upstream;
  boolean ready;
  boolean requestDone;
  boolean responseStarted;
  boolean upstreamReusable = true;
  boolean clientKeepAlive = true;

  /** The last response piece written to the client; {@code unflushed} until the read completes. */
  ChannelFuture lastWrite;

  boolean unflushed;

  boolean responseDone;

  Exchange(UpstreamTarget target, HttpRequest request, boolean upgrade, String requestId) {
    this.target = target;
    this.requestId = requestId;
    this.request = request;
    this.upgrade = upgrade;
    this.uri = request.uri();
  }
}
