package dev.kpam.testing.kube;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of one client connection, in the order a request meets the handlers. Like a real API
 * server it speaks HTTP/2 to a client that offers {@code h2} in ALPN, each stream with the handlers
 * of an HTTP/1.1 connection, and HTTP/1.1 (with its upgrades) to every other client.
 */
final class ApiServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Request bodies larger than this are refused; kubectl cp bodies travel over exec, not here. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final SslContext http2;
  private final SslContext http1;
  private final ChannelGroup channels;
  private final FakeCluster cluster;

  /** {@code http2} offers h2 and http/1.1 in ALPN, {@code http1} no ALPN at all. */
  ApiServerInitializer(
      SslContext http2, SslContext http1, ChannelGroup channels, FakeCluster cluster) {
    this.http2 = http2;
    this.http1 = http1;
    this.channels = channels;
    this.cluster = cluster;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channels.add(channel);
    cluster.connected();
    channel
        .pipeline()
        .addLast("tls", (cluster.offerHttp2() ? http2 : http1).newHandler(channel.alloc()))
        .addLast(
            "alpn",
            new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
              @Override
              protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (protocol.equals(ApplicationProtocolNames.HTTP_2)) {
                  ctx.pipeline()
                      .addLast(
                          "http2",
                          Http2FrameCodecBuilder.forServer()
                              .initialSettings(
                                  Http2Settings.defaultSettings()
                                      .maxConcurrentStreams(cluster.maxConcurrentStreams()))
                              .build())
                      .addLast(
                          "streams",
                          new Http2MultiplexHandler(
                              new ChannelInitializer<Http2StreamChannel>() {
                                @Override
                                protected void initChannel(Http2StreamChannel stream) {
                                  stream
                                      .pipeline()
                                      .addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                                  handlers(stream);
                                }
                              }));
                } else {
                  ctx.pipeline().addLast("http", new HttpServerCodec());
                  handlers(ctx.channel());
                }
              }
            });
  }

  /** What serves requests, on an HTTP/1.1 connection or an HTTP/2 stream. */
  private void handlers(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline
        .addLast("recorder", new RequestRecorder(cluster::record))
        .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
        .addLast("authenticator", new BearerAuthenticator(cluster::acceptedToken, cluster.json()))
        .addLast("discovery", new DiscoveryHandler(cluster))
        .addLast("streams", new StreamUpgrader(cluster))
        .addLast(
            "logs",
            new LogHandler(cluster.store(), cluster.pods(), cluster::runtime, cluster.json()))
        .addLast(
            "resources", new ResourceHandler(cluster.catalog(), cluster.store(), cluster.json()))
        .addLast("errors", new ConnectionErrors());
  }
}
