package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.testing.kube.FakeKubeApiServer;
import dev.kpam.transport.spdy.SpdyStreams;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * exec over SPDY/3.1 ({@code v4.channel.k8s.io}) through the proxy, as kubectl does it with
 * KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false; the client's frames are Netty's own SPDY codec's.
 */
class SpdyExecThroughProxyTest {
  private static final String SESSION = "s-1";
  private static final int ERROR = 1;
  private static final int STDIN = 3;
  private static final int STDOUT = 5;
  private static final int STDERR = 7;
  private FakeKubeApiServer kube;
  private ProxyFixture fixture;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

  @BeforeEach
  void startKube() {
    kube = FakeKubeApiServer.start("stored-token");
    kube.addPod("default", "web");
  }

  @AfterEach
  void stop() {
    fixture.close();
    kube.close();
  }

  private Channel execCat(Instant expiresAt) throws Exception {
    return execCat(expiresAt, "command=cat&stdin=true&stdout=true&stderr=true");
  }

  private Channel execCat(Instant expiresAt, String query) throws Exception {
    fixture =
        new ProxyFixture(
            SESSION,
            id ->
                CompletableFuture.completedFuture(
                    ProxyFixture.lookup(
                        SESSION,
                        kube.url().toString(),
                        kube.caCertificatePem(),
                        "stored-token",
                        expiresAt)));
    CompletableFuture<HttpResponse> switched = new CompletableFuture<>();
    var tls = fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID);
    Channel channel = fixture.connectHttp(tls, new SpdyClient(switched, frames));
    FullHttpRequest upgrade =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/api/v1/namespaces/default/pods/web/exec?" + query);
    upgrade.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    upgrade.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer user-token");
    upgrade.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    upgrade.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    upgrade.headers().set("X-Stream-Protocol-Version", "v4.channel.k8s.io");
    upgrade.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    channel.writeAndFlush(upgrade);
    assertThat(switched.get(10, TimeUnit.SECONDS).status().code()).isEqualTo(101);

    List<String> replies = new ArrayList<>();
    // kubectl opens a resize stream instead of stderr for a TTY; the API server waits for it.
    String[] types =
        ExpiryNotice.isTty("/?" + query)
            ? new String[] {"error", "stdin", "stdout", "resize"}
            : new String[] {"error", "stdin", "stdout", "stderr"};
    for (int i = 0; i < types.length; i++) {
      DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(2 * i + 1, 0, (byte) 0);
      syn.headers().set("streamtype", types[i]);
      channel.writeAndFlush(syn);
    }
    for (int i = 0; i < types.length; i++) {
      replies.add(frames.poll(10, TimeUnit.SECONDS));
    }
    assertThat(replies).containsExactly("REPLY 1", "REPLY 3", "REPLY 5", "REPLY 7");
    return channel;
  }

  private static DefaultSpdyDataFrame stdin(String text) {
    return new DefaultSpdyDataFrame(
        STDIN, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aTerminalOverSpdyHearsFiveMinutesAheadThatTheSessionEnds() throws Exception {
    Instant expires = Instant.now().plus(ExpiryNotice.BEFORE.get(0)).plusMillis(3000);
    Channel channel = execCat(expires, "command=cat&stdin=true&stdout=true&tty=true");
    channel.writeAndFlush(stdin("typing\n"));

    List<String> seen = new ArrayList<>();
    String notice = "DATA 5: \r\nkpam: this session ends in 5 minutes\r\n";
    while (!seen.contains(notice)) {
      String frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("frames so far: %s", seen).isNotNull();
      seen.add(frame);
    }
    channel.writeAndFlush(stdin("more\n"));
    while (!seen.contains("DATA 5: more\n")) {
      String frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("frames so far: %s", seen).isNotNull();
      seen.add(frame);
    }
    assertThat(seen).contains("DATA 5: typing\n").doesNotHaveDuplicates();
  }

  @Test
  void terminationEndsTheErrorStreamWithAStatusAndLetsKubectlCloseTheConnection() throws Exception {
    Channel channel = execCat(Instant.now().plus(Duration.ofHours(1)));
    channel.writeAndFlush(stdin("hello kpam\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("DATA 5: hello kpam\n");

    fixture.connections.terminate(SESSION, "kpam session s-1 was terminated: by admin");

    assertThat(frames.poll(5, TimeUnit.SECONDS))
        .startsWith("DATA 1 FIN: {\"kind\":\"Status\"")
        .contains("\"status\":\"Failure\"")
        .contains("kpam session s-1 was terminated: by admin")
        .contains("\"code\":403");
    List<String> ends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ends.add(frames.poll(5, TimeUnit.SECONDS));
    }
    assertThat(ends).containsExactly("DATA 3 FIN: ", "DATA 5 FIN: ", "DATA 7 FIN: ");
    // What kubectl still sends is dropped; the connection stays until kubectl closes it.
    channel.writeAndFlush(stdin("after the end\n"));
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> channel.isActive() && fixture.connections.connections(SESSION) == 1);

    channel.close();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> fixture.connections.connections(SESSION) == 0);
    assertThat(frames).isEmpty();
  }

  @Test
  void anExpiringSessionEndsTheErrorStreamWithAStatusAndClosesAClientThatStays() throws Exception {
    Channel channel = execCat(Instant.now().plus(Duration.ofSeconds(2)));
    channel.writeAndFlush(stdin("still here\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("DATA 5: still here\n");

    assertThat(frames.poll(10, TimeUnit.SECONDS))
        .startsWith("DATA 1 FIN: ")
        .contains("kpam session s-1 has expired");

    await().atMost(SpdyStreams.CLOSE_GRACE.plusSeconds(5)).until(() -> !channel.isActive());
  }

  /** Upgrades to SPDY/3.1 on the 101, then describes each frame it receives on one line. */
  private static final class SpdyClient extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<HttpResponse> switched;
    private final BlockingQueue<String> frames;

    SpdyClient(CompletableFuture<HttpResponse> switched, BlockingQueue<String> frames) {
      this.switched = switched;
      this.frames = frames;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse response) {
          if (response.status().code() == 101) {
            // The HTTP decoder passes the bytes after a 101 on as they are.
            ctx.pipeline().get(HttpClientCodec.class).prepareUpgradeFrom(ctx);
            ctx.pipeline().addBefore(ctx.name(), "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
          }
          switched.complete(response);
        } else if (msg instanceof SpdySynReplyFrame reply) {
          frames.add("REPLY " + reply.streamId());
        } else if (msg instanceof SpdyDataFrame data) {
          frames.add(
              "DATA "
                  + data.streamId()
                  + (data.isLast() ? " FIN" : "")
                  + ": "
                  + data.content().toString(StandardCharsets.UTF_8));
        } else if (msg instanceof SpdyRstStreamFrame rst) {
          frames.add("RST " + rst.streamId());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
