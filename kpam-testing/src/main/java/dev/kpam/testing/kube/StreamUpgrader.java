package dev.kpam.testing.kube;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns {@code pods/NAME/exec}, {@code attach} and {@code portforward} requests into streams: a
 * WebSocket upgrade ({@code v5}/{@code v4.channel.k8s.io} for exec and attach, tunnelled SPDY for
 * port-forward) or a SPDY/3.1 upgrade negotiated with {@code X-Stream-Protocol-Version}. At the
 * upgrade the HTTP handlers leave the pipeline and the stream's handlers take their place. With
 * WebSocket refused, the upgrade gets the 403 of a v1.24 server and kubectl falls back to SPDY.
 */
final class StreamUpgrader extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final int MAX_MESSAGE = 1024 * 1024;
  private static final String EXEC_WEBSOCKET = "v5.channel.k8s.io,v4.channel.k8s.io";
  private static final String PORT_FORWARD_WEBSOCKET = "SPDY/3.1+portforward.k8s.io";
  private static final List<String> HTTP_HANDLERS =
      List.of("aggregator", "authenticator", "discovery", "logs", "resources");

  private final FakeCluster cluster;

  StreamUpgrader(FakeCluster cluster) {
    super(false);
    this.cluster = cluster;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    Optional<ResourcePath> path =
        ResourcePath.parse(query.path())
            .filter(
                p ->
                    p.isPodSubresource("exec")
                        || p.isPodSubresource("attach")
                        || p.isPodSubresource("portforward"));
    if (path.isEmpty()) {
      ctx.fireChannelRead(request);
      return;
    }
    try {
      cluster.store().get(cluster.pods(), path.get().namespace(), path.get().name());
      PodRuntime pod = cluster.runtime(path.get().namespace(), path.get().name());
      boolean portForward = path.get().subresource().equals("portforward");
      String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
      if (upgrade.equals("websocket")) {
        webSocket(ctx, request, pod, portForward, query);
      } else if (upgrade.startsWith("spdy/3.1")) {
        spdy(
            ctx,
            request,
            portForward
                ? new SpdyPortForwardHandler()
                : new SpdyExecHandler(
                    ExecRequest.of(path.get().subresource(), query.parameters()), pod),
            portForward);
      } else {
        throw new KubeStatusException(400, "BadRequest", "Upgrade request required", null);
      }
    } catch (KubeStatusException e) {
      Responses.status(ctx, request, cluster.json(), e);
    } finally {
      request.release();
    }
  }

  private void webSocket(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      PodRuntime pod,
      boolean portForward,
      QueryStringDecoder query) {
    if (cluster.refuseWebSockets()) {
      // What a v1.24 server answers (NOTES.md, exec / attach / port-forward negotiation).
      request.headers().set(HttpHeaderNames.CONNECTION, "close");
      throw new KubeStatusException(403, "Forbidden", "WebSocket upgrades are refused", null);
    }
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(
                "wss://localhost" + request.uri(),
                portForward ? PORT_FORWARD_WEBSOCKET : EXEC_WEBSOCKET,
                false,
                MAX_MESSAGE)
            .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    handshaker.handshake(ctx.channel(), request);
    ChannelPipeline pipeline = ctx.pipeline();
    removeHttpHandlers(pipeline);
    pipeline.addBefore("errors", "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
    pipeline.addBefore("errors", "ws-control", new WebSocketControlFrames());
    if (portForward) {
      pipeline.addBefore("errors", "tunnel", new WebSocketTunnel());
      pipeline.addBefore("errors", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
      pipeline.addBefore("errors", "portforward", new SpdyPortForwardHandler());
    } else {
      pipeline.addBefore(
          "errors",
          "exec",
          new WebSocketExecHandler(
              ExecRequest.of(path(query), query.parameters()), pod, cluster.webSocketExecStart()));
    }
    pipeline.remove(this);
  }

  private void spdy(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ChannelHandler handler,
      boolean portForward) {
    List<String> offered = offeredProtocols(request);
    String protocol = portForward ? "portforward.k8s.io" : "v4.channel.k8s.io";
    if (!offered.contains(protocol)) {
      throw new KubeStatusException(
          403, "Forbidden", "unable to upgrade: no common stream protocol in " + offered, null);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    response.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    response.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    response.headers().set("X-Stream-Protocol-Version", protocol);
    ctx.writeAndFlush(response);
    ChannelPipeline pipeline = ctx.pipeline();
    removeHttpHandlers(pipeline);
    pipeline.addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    pipeline.addBefore("errors", portForward ? "portforward" : "exec", handler);
    pipeline.remove("http");
    pipeline.remove(this);
  }

  private static String path(QueryStringDecoder query) {
    return query.path().endsWith("/attach") ? "attach" : "exec";
  }

  private static List<String> offeredProtocols(FullHttpRequest request) {
    return request.headers().getAll("X-Stream-Protocol-Version").stream()
        .flatMap(value -> java.util.Arrays.stream(value.split(",")))
        .map(String::trim)
        .toList();
  }

  private static void removeHttpHandlers(ChannelPipeline pipeline) {
    for (String name : HTTP_HANDLERS) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
  }
}
