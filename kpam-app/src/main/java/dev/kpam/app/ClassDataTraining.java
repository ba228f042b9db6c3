package dev.kpam.app;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.PasswordPrompt;
import dev.kpam.cli.api.ApiJson;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.pki.SelfSignedCertificate;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.transport.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ./kpam} runs once after building, under {@code -XX:ArchiveClassesAtExit}, so that the
 * classes a kpam command loads as it starts come parsed and verified from a class-data sharing
 * archive: the whole command tree and its help, JSON of the API types, keys, CSRs and certificates,
 * TLS contexts, one HTTPS exchange over loopback through Netty's HTTP codecs and one request of the
 * JDK's HTTP client. That was about a third of the time {@code kpam k8s access} takes until kubectl
 * can use it (docs/DATA-PLANE.md §5). Nothing leaves the machine; a temporary directory is its only
 * file and is deleted.
 *
 * <pre>{@code
 * java -XX:ArchiveClassesAtExit=kpam.jsa -cp kpam.jar dev.kpam.app.ClassDataTraining
 * }</pre>
 */
public final class ClassDataTraining {
  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    Path config = Files.createTempDirectory("kpam-cds-training");
    try {
      commands(config);
      json();
      exchange();
    } finally {
      try (var files = Files.walk(config)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void commands(Path config) {
    StringWriter sink = new StringWriter();
    PrintWriter out = new PrintWriter(sink);
    CliEnvironment env =
        new CliEnvironment(
            config,
            Map.of(),
            InputStream.nullInputStream(),
            out,
            out,
            Clock.systemUTC(),
            PasswordPrompt.NONE);
    Main.commandLine(env).execute("--help");
    Main.commandLine(env, new String[] {"k8s"}).execute("k8s", "access", "--help");
  }

  private static void json() throws Exception {
    KeyPair key = KeyPairs.generateEcP256();
    String body =
        ApiJson.mapper()
            .writeValueAsString(
                new CreateSessionRequest(
                    "prod",
                    "admin",
                    "1h",
                    "training",
                    Csrs.create(key, "kpam-cli"),
                    null,
                    null,
                    null,
                    null));
    ApiJson.mapper().readTree(body);
  }

  /** kubectl → local proxy → gateway in miniature: TLS with a fresh certificate, HTTP codecs. */
  private static void exchange() throws Exception {
    KeyPair key = KeyPairs.generateEcP256();
    X509Certificate certificate =
        Pem.parseCertificate(
            Pem.encodeCertificate(
                SelfSignedCertificate.create(
                    key,
                    "kpam local proxy",
                    List.of("localhost"),
                    List.of("127.0.0.1"),
                    Duration.ofHours(1),
                    Clock.systemUTC())));
    SslContext server =
        TlsContexts.server(
            key.getPrivate(), List.of(certificate), List.of(certificate), ClientAuth.NONE, true);
    SslContext client = TlsContexts.client(null, List.of(), List.of(certificate), true);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel tls = listen(group, server);
      Channel plain = listen(group, null);
      CompletableFuture<String> answered = new CompletableFuture<>();
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(client.newHandler(ch.alloc(), "localhost", port(tls)))
                          .addLast(new HttpClientCodec())
                          .addLast(
                              new SimpleChannelInboundHandler<HttpObject>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, HttpObject msg) {
                                  if (msg instanceof LastHttpContent) {
                                    answered.complete("done");
                                  }
                                }
                              });
                    }
                  })
              .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(tls)))
              .syncUninterruptibly()
              .channel();
      channel.writeAndFlush(
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/version"));
      answered.get(30, TimeUnit.SECONDS);
      channel.close().syncUninterruptibly();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(plain) + "/api/v1")).build(),
          HttpResponse.BodyHandlers.ofString());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static Channel listen(EventLoopGroup group, SslContext tls) {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                  ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(1 << 16))
                    .addLast(
                        new SimpleChannelInboundHandler<Object>() {
                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                            FullHttpResponse response =
                                new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.OK,
                                    Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
                            response
                                .headers()
                                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                            ctx.writeAndFlush(response);
                          }
                        });
              }
            })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .syncUninterruptibly()
        .channel();
  }

  private static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }
}
