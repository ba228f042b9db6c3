package dev.kpam.gateway.proxy;

import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.session.SessionDirectory;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Kubernetes proxy of the gateway: turns a channel carrying the inner TLS bytes of one kubectl
 * connection (a relay stream, or in tests a plain TCP connection) into a proxied connection to the
 * session's API server. The pipeline, in order: inner TLS with client certificates, the session
 * certificate check, HTTP/1.1, the recording of each exchange, the session check (and the recording
 * failure policy), header sanitizing, credential injection, and the upstream forwarder (rewired
 * into a byte relay after an upgrade).
 *
 * <pre>{@code
 * KubeProxy proxy = new KubeProxy("gw-1", () -> innerTls, directory, pools, connections, taps, spool, clock);
 * proxy.serve(streamChannel, "s-1");
 * }</pre>
 */
public final class KubeProxy {
  private static final int MAX_HEADER_SIZE = 64 * 1024;

  private final String gatewayId;
  private final Supplier<SslContext> innerTls;
  private final SessionDirectory directory;
  private final UpstreamPools pools;
  private final SessionConnections connections;
  private final StreamTap.Factory taps;
  private final SessionRecording recording;
  private final Clock clock;

  public KubeProxy(
      String gatewayId,
      Supplier<SslContext> innerTls,
      SessionDirectory directory,
      UpstreamPools pools,
      SessionConnections connections,
      StreamTap.Factory taps,
      SessionRecording recording,
      Clock clock) {
    this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
    this.innerTls = Objects.requireNonNull(innerTls, "innerTls");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.pools = Objects.requireNonNull(pools, "pools");
    this.connections = Objects.requireNonNull(connections, "connections");
    this.taps = Objects.requireNonNull(taps, "taps");
    this.recording = Objects.requireNonNull(recording, "recording");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Installs the proxy on {@code channel}, which carries {@code ByteBuf}s both ways, and starts
   * reading. {@code sessionId} is what the relay named in the stream's {@code kpam-session} header;
   * the client certificate must carry the same.
   */
  public void serve(Channel channel, String sessionId) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> serve(channel, sessionId));
      return;
    }
    channel.config().setAutoRead(false);
    ProxyConnection connection = new ProxyConnection(channel, sessionId);
    connections.add(connection);
    ChannelPipeline p = channel.pipeline();
    p.addLast("tls", innerTls.get().newHandler(channel.alloc()));
    p.addLast("identity", new PeerIdentityCheck(gatewayId, sessionId));
    p.addLast("http", new HttpServerCodec(4096, MAX_HEADER_SIZE, 8192));
    connection.recorder = new ExchangeRecorder(connection, recording);
    p.addLast("record", connection.recorder);
    p.addLast("session", new SessionCheck(connection, directory, connections, recording, clock));
    p.addLast("sanitize", HeaderSanitizer.INSTANCE);
    p.addLast("credentials", new CredentialInjector(connection));
    p.addLast("forward", new UpstreamForwarder(connection, pools, taps, clock));
    channel.read();
  }
}
