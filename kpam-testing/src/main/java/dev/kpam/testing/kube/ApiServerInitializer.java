package dev.kpam.testing.kube;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;

/** The pipeline of one client connection, in the order a request meets the handlers. */
final class ApiServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Request bodies larger than this are refused; kubectl cp bodies travel over exec, not here. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final SslContext ssl;
  private final ChannelGroup channels;
  private final FakeCluster cluster;

  ApiServerInitializer(SslContext ssl, ChannelGroup channels, FakeCluster cluster) {
    this.ssl = ssl;
    this.channels = channels;
    this.cluster = cluster;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channels.add(channel);
    channel
        .pipeline()
        .addLast("tls", ssl.newHandler(channel.alloc()))
        .addLast("http", new HttpServerCodec())
        .addLast("recorder", new RequestRecorder(cluster::record))
        .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
        .addLast("authenticator", new BearerAuthenticator(cluster::acceptedToken, cluster.json()))
        .addLast("discovery", new DiscoveryHandler(cluster.catalog()))
        .addLast("streams", new StreamUpgrader(cluster))
        .addLast(
            "logs",
            new LogHandler(cluster.store(), cluster.pods(), cluster::runtime, cluster.json()))
        .addLast(
            "resources", new ResourceHandler(cluster.catalog(), cluster.store(), cluster.json()))
        .addLast("errors", new ConnectionErrors());
  }
}
