package dev.kpam.cli.access;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.transport.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the gateway's end of the inner TLS: a real TLS 1.3 server with a gateway
 * certificate from a test CA, requiring a client certificate, speaking HTTP/1.1. {@code /version}
 * answers JSON, {@code /watch} streams two chunks (the second when {@link #releaseSecondChunk} is
 * completed), an upgrade request gets a 101 and then an echo of raw bytes; the first request to
 * {@code /drop-once} closes its connection unanswered.
 */
final class TestGateway implements AutoCloseable {
  /** A request as it arrived; {@code connection} names the TLS connection that carried it. */
  record Seen(String method, String uri, HttpHeaders headers, String connection) {}

  /** What {@code /exec-dies} sends after its 101: "hi" on channel 1 (stdout). */
  static final byte[] EXEC_OUTPUT = {(byte) 0x82, 0x03, 0x01, 'h', 'i'};

  static final String VERSION = "{\"major\":\"1\",\"minor\":\"24\",\"gitVersion\":\"v1.24.17\"}";

  final BlockingQueue<Seen> requests = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> releaseSecondChunk = new CompletableFuture<>();

  /** The connections open now; closed ones leave by themselves. */
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  final AtomicInteger closed = new AtomicInteger();

  /** Set once the first request to {@code /drop-once} was dropped by closing its connection. */
  final AtomicBoolean dropped = new AtomicBoolean();

  private final Channel server;

  TestGateway(EventLoopGroup group, CertificateAuthority ca, String gatewayId) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    X509Certificate certificate =
        ca.issueGatewayCertificate(keyPair.getPublic(), gatewayId, Duration.ofHours(1));
    var tls =
        TlsContexts.server(
            keyPair.getPrivate(), List.of(certificate), ca.chain(), ClientAuth.REQUIRE, true);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.closeFuture().addListener(f -> closed.incrementAndGet());
                    ch.pipeline()
                        .addLast(tls.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .syncUninterruptibly()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private HttpRequest current;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        current = request;
        requests.add(
            new Seen(
                request.method().name(),
                request.uri(),
                request.headers().copy(),
                ctx.channel().id().asShortText()));
      }
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (!last) {
        return;
      }
      if (current.uri().startsWith("/drop-once") && !dropped.getAndSet(true)) {
        ctx.close(); // as a connection that died while the request was on its way
      } else if (current.uri().startsWith("/exec-dies")) {
        execAndDie(ctx);
      } else if (current.headers().contains(HttpHeaderNames.UPGRADE)) {
        switchToEcho(ctx);
      } else if (current.uri().startsWith("/watch-dies")) {
        streamAndDie(ctx);
      } else if (current.uri().startsWith("/watch")) {
        stream(ctx);
      } else {
        ctx.writeAndFlush(json(VERSION));
      }
    }

    private void switchToEcho(ChannelHandlerContext ctx) {
      HttpResponse switching = switching("SPDY/3.1");
      switching.headers().set("X-Stream-Protocol-Version", "v4.channel.k8s.io");
      ctx.writeAndFlush(switching);
      ctx.pipeline().remove(HttpServerCodec.class);
      ctx.pipeline().replace(this, "echo", new Echo());
    }

    /** A {@code 101 Switching Protocols} to {@code upgrade}. */
    private static HttpResponse switching(CharSequence upgrade) {
      HttpResponse switching =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
      switching
          .headers()
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
          .set(HttpHeaderNames.UPGRADE, upgrade);
      return switching;
    }

    /**
     * A WebSocket exec ({@code v5.channel.k8s.io}) that prints "hi" on stdout (one binary frame,
     * channel 1) and then loses its connection, as a killed gateway.
     */
    private void execAndDie(ChannelHandlerContext ctx) {
      HttpResponse switching = switching(HttpHeaderValues.WEBSOCKET);
      switching
          .headers()
          // RFC 6455 §4.2.2, for the key the test sends; without it Netty's client decoder takes
          // the 101 for an old (Hixie-76) handshake that has a body.
          .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
          .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "v5.channel.k8s.io");
      ctx.writeAndFlush(switching);
      ctx.pipeline().remove(HttpServerCodec.class);
      ctx.pipeline().remove(this);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(EXEC_OUTPUT)).addListener(written -> ctx.close());
    }

    /** A JSON watch that sends one event and then loses its connection, as a killed gateway. */
    private void streamAndDie(ChannelHandlerContext ctx) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers()
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      ctx.write(head);
      ctx.writeAndFlush(new DefaultHttpContent(text("{\"type\":\"ADDED\"}\n")))
          .addListener(written -> ctx.close());
    }

    private void stream(ChannelHandlerContext ctx) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ctx.write(head);
      ctx.writeAndFlush(new DefaultHttpContent(text("event-1\n")));
      releaseSecondChunk.thenRun(
          () -> {
            ctx.write(new DefaultHttpContent(text("event-2\n")));
            ctx.writeAndFlush(new DefaultLastHttpContent());
          });
    }
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        ctx.writeAndFlush(bytes);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ctx.fireChannelInactive();
    }
  }

  private static FullHttpResponse json(String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  private static ByteBuf text(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }
}
