package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.testing.kube.FakeKubeApiServer;
import dev.kpam.testing.kube.RecordedRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watches and followed logs are streams of shared HTTP/2 connections to the API server, not a
 * connection each; plain requests keep their HTTP/1.1 pool; a server without HTTP/2 still gets
 * every watch, over HTTP/1.1.
 */
class LastingRequestsTest {
  private static final String SESSION = "s-1";
  private static final String WATCH = "/api/v1/namespaces/default/pods?watch=true";
  private FakeKubeApiServer kube;
  private ProxyFixture fixture;
  private final List<Watch> watches = new ArrayList<>();

  @BeforeEach
  void start() {
    kube = FakeKubeApiServer.start("stored-token");
    kube.addPod("default", "web");
    SessionLookup lookup =
        ProxyFixture.lookup(
            SESSION,
            kube.url().toString(),
            kube.caCertificatePem(),
            "stored-token",
            Instant.now().plus(Duration.ofHours(1)));
    fixture = new ProxyFixture(SESSION, id -> CompletableFuture.completedFuture(lookup));
  }

  @AfterEach
  void stop() {
    watches.forEach(w -> w.channel.close());
    fixture.close();
    kube.close();
  }

  @Test
  void fiftyWatchesShareTheGatewaysHttp2ConnectionsAndEachGetsItsEvents() throws Exception {
    for (int i = 0; i < 50; i++) {
      watches.add(watch(WATCH));
    }
    // One connection per event loop of the gateway at most (the fixture has two).
    assertThat(kube.connections()).isBetween(1, 2);
    assertThat(kube.requests())
        .filteredOn(r -> r.uri().equals(WATCH))
        .hasSize(50)
        .allSatisfy(r -> assertThat(r.protocol()).isEqualTo(RecordedRequest.HTTP_2))
        .allSatisfy(
            r ->
                assertThat(r.headers().get("authorization"))
                    .containsExactly("Bearer stored-token"));
    assertThat(watches).allSatisfy(w -> assertThat(w.head).isCompletedWithValue(200));

    kube.addPod("default", "first");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(watches).allSatisfy(w -> assertThat(w.text()).contains("first")));

    // Twenty go away as kubectl does on Ctrl-C; the others keep their streams.
    watches.subList(0, 20).forEach(w -> w.channel.close().syncUninterruptibly());
    kube.addPod("default", "second");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(watches.subList(20, 50))
                    .allSatisfy(w -> assertThat(w.text()).contains("second")));
    assertThat(watches.subList(20, 50)).allSatisfy(w -> assertThat(w.channel.isActive()).isTrue());

    // A plain GET is not a stream: it takes the HTTP/1.1 pool, as upgrades do.
    TestHttpClient.Answer get = TestHttpClient.send(fixture, tls(), request(podsPath()));
    assertThat(get.status()).isEqualTo(200);
    assertThat(kube.requests())
        .filteredOn(r -> r.uri().equals(podsPath()))
        .singleElement()
        .satisfies(r -> assertThat(r.protocol()).isEqualTo(RecordedRequest.HTTP_1_1));
    assertThat(kube.connections()).isBetween(2, 3);
    assertThat(watches.get(20).text()).doesNotContain("x-http2-");
  }

  @Test
  void whenTheServerAllowsFewStreamsPerConnectionTheGatewayOpensMore() throws Exception {
    kube.maxConcurrentStreams(4);
    for (int i = 0; i < 12; i++) {
      watches.add(watch(WATCH));
    }
    // Twelve streams at four per connection on at most two event loops: three to four connections.
    assertThat(kube.connections()).isBetween(3, 4);
    kube.addPod("default", "new");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(watches).allSatisfy(w -> assertThat(w.text()).contains("new")));
  }

  @Test
  void aServerWithoutHttp2GetsEveryWatchOverHttp11() throws Exception {
    kube.offerHttp2(false);
    for (int i = 0; i < 3; i++) {
      watches.add(watch(WATCH));
    }
    assertThat(kube.requests())
        .filteredOn(r -> r.uri().equals(WATCH))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.protocol()).isEqualTo(RecordedRequest.HTTP_1_1));
    kube.addPod("default", "new");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(watches).allSatisfy(w -> assertThat(w.text()).contains("new")));
  }

  @Test
  void aFollowedLogIsAStreamToo() throws Exception {
    String follow = "/api/v1/namespaces/default/pods/web/log?follow=true";
    Watch log = watch(follow);
    watches.add(log);
    assertThat(kube.requests())
        .filteredOn(r -> r.uri().equals(follow))
        .singleElement()
        .satisfies(r -> assertThat(r.protocol()).isEqualTo(RecordedRequest.HTTP_2));
    kube.appendLog("default", "web", "a line of the log\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(log.text()).contains("a line of the log"));
  }

  private SslContext tls() {
    return fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID);
  }

  private static String podsPath() {
    return "/api/v1/namespaces/default/pods";
  }

  private static FullHttpRequest request(String uri) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    request.headers().set("Host", "127.0.0.1");
    request.headers().set("Authorization", "Bearer user-token");
    request.headers().set("Kubectl-Command", "kubectl get");
    return request;
  }

  /** Opens a lasting GET through the gateway as kubectl does and waits for its response head. */
  private Watch watch(String uri) throws Exception {
    Watch watch = new Watch();
    watch.channel =
        fixture.connectHttp(
            tls(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpResponse response) {
                  watch.head.complete(response.status().code());
                  watch.append(response.headers().toString());
                }
                if (msg instanceof HttpContent content) {
                  watch.append(content.content().toString(StandardCharsets.UTF_8));
                }
                ReferenceCountUtil.release(msg);
              }
            });
    watch.channel.writeAndFlush(request(uri));
    assertThat(watch.head.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    return watch;
  }

  private static final class Watch {
    final CompletableFuture<Integer> head = new CompletableFuture<>();
    private final StringBuilder received = new StringBuilder();
    Channel channel;

    synchronized void append(String text) {
      received.append(text);
    }

    synchronized String text() {
      return received.toString();
    }
  }
}
