package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.gateway.record.Spool;
import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.testing.kube.FakeKubeApiServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request through the real proxy becomes one {@code request} event in the real spool. */
class RecordingThroughProxyTest {
  private static final String SESSION = "s-1";
  private static final String STORED_TOKEN = "stored-token-f00d";
  private static final String LOCAL_TOKEN = "local-token-beef";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private FakeKubeApiServer kube;
  private Spool spool;
  private ProxyFixture fixture;

  @BeforeEach
  void start() {
    kube = FakeKubeApiServer.start(STORED_TOKEN);
    kube.addPod("default", "web");
    spool = Spool.open(dir.resolve("spool"), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
    spool.close();
    kube.close();
  }

  private void proxy(Function<String, CompletionStage<SessionLookup>> lookups) {
    fixture = new ProxyFixture(SESSION, lookups, spool);
  }

  private void proxyTo(String url) {
    SessionLookup lookup =
        ProxyFixture.lookup(
            SESSION,
            url,
            kube.caCertificatePem(),
            STORED_TOKEN,
            Instant.now().plus(Duration.ofHours(1)));
    proxy(id -> CompletableFuture.completedFuture(lookup));
  }

  private SslContext tls() {
    return fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID);
  }

  private static FullHttpRequest request(HttpMethod method, String uri, String type, String body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            method,
            uri,
            Unpooled.copiedBuffer(body == null ? "" : body, StandardCharsets.UTF_8));
    request.headers().set("Host", "127.0.0.1");
    request.headers().set("Authorization", "Bearer " + LOCAL_TOKEN);
    request.headers().set("User-Agent", "kubectl/v1.33.0 (linux/amd64) kubernetes/abc");
    request.headers().set("Kubectl-Command", "kubectl test");
    request.headers().set("Kubectl-Session", "ks-1");
    if (type != null) {
      request.headers().set("Content-Type", type);
    }
    request.headers().setInt("Content-Length", request.content().readableBytes());
    return request;
  }

  private TestHttpClient.Answer send(HttpMethod method, String uri) throws Exception {
    return TestHttpClient.send(fixture, tls(), request(method, uri, null, null));
  }

  /** The spooled events but {@code request_open} (a watch's early record; SpoolTest has those). */
  private List<JsonNode> events(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> spooled().size() >= count);
    List<JsonNode> events = spooled();
    assertThat(events).hasSize(count);
    return events;
  }

  private List<JsonNode> spooled() {
    Path file = dir.resolve("spool").resolve(SESSION).resolve("events.jsonl");
    List<JsonNode> events = new ArrayList<>();
    try {
      if (!Files.exists(file)) {
        return events;
      }
      for (String line : Files.readAllLines(file)) {
        JsonNode event = JSON.readTree(line);
        if (!event.path("type").asText().equals("request_open")) {
          events.add(event);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return events;
  }

  @Test
  void getListWatchCreateDeleteAndExecAreRecordedWithTheirRequestInfo() throws Exception {
    proxyTo(kube.url().toString());

    assertThat(send(HttpMethod.GET, "/api/v1/namespaces/default/pods/web").status()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/api/v1/namespaces/default/pods?limit=500").status())
        .isEqualTo(200);
    watchAndHangUp("/api/v1/namespaces/default/pods?watch=true");
    String configMap =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"},"
            + "\"data\":{\"mode\":\"fast\"}}";
    assertThat(
            TestHttpClient.send(
                    fixture,
                    tls(),
                    request(
                        HttpMethod.POST,
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        configMap))
                .status())
        .isEqualTo(201);
    assertThat(send(HttpMethod.DELETE, "/api/v1/namespaces/default/configmaps/cfg").status())
        .isEqualTo(200);
    execAndHangUp();

    List<JsonNode> events = events(6);
    // seq 3 and 7: the request_open of the watch and of the exec, before their request events
    assertThat(events)
        .extracting(e -> e.path("seq").asLong())
        .containsExactly(1L, 2L, 4L, 5L, 6L, 8L);
    assertThat(events).allMatch(e -> e.path("type").asText().equals("request"));
    List<JsonNode> data = events.stream().map(e -> e.path("data")).toList();
    assertThat(data)
        .extracting(d -> d.path("verb").asText())
        .containsExactly("get", "list", "watch", "create", "delete", "get");

    JsonNode get = data.get(0);
    assertThat(get.path("id").asText()).startsWith("r-");
    assertThat(get.path("method").asText()).isEqualTo("GET");
    assertThat(get.path("path").asText()).isEqualTo("/api/v1/namespaces/default/pods/web");
    assertThat(get.path("query").asText()).isEmpty();
    assertThat(get.path("apiGroup").asText()).isEmpty();
    assertThat(get.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(get.path("resource").asText()).isEqualTo("pods");
    assertThat(get.path("namespace").asText()).isEqualTo("default");
    assertThat(get.path("name").asText()).isEqualTo("web");
    assertThat(get.path("subresource").isNull()).isTrue();
    assertThat(get.path("resourceRequest").asBoolean()).isTrue();
    assertThat(get.path("status").asInt()).isEqualTo(200);
    assertThat(get.path("bytesOut").asLong()).isPositive();
    assertThat(get.path("bytesIn").asLong()).isZero();
    assertThat(get.path("latencyMs").isNumber()).isTrue();
    assertThat(get.path("userAgent").asText()).startsWith("kubectl/v1.33.0");
    assertThat(get.path("kubectlCommand").asText()).isEqualTo("kubectl test");
    assertThat(get.path("kubectlSession").asText()).isEqualTo("ks-1");
    assertThat(get.path("body").isNull()).isTrue();
    assertThat(get.path("error").isNull()).isTrue();
    assertThat(get.path("upgrade").isNull()).isTrue();

    assertThat(data.get(1).path("query").asText()).isEqualTo("limit=500");
    assertThat(data.get(2).path("status").asInt()).isEqualTo(200);

    JsonNode create = data.get(3);
    assertThat(create.path("body").asText()).contains("\"mode\":\"fast\"");
    assertThat(create.path("bodyType").asText()).isEqualTo("application/json");
    assertThat(create.path("bodySize").asLong()).isEqualTo(configMap.length());
    assertThat(create.path("bytesIn").asLong()).isEqualTo(configMap.length());
    assertThat(create.path("bodyTruncated").asBoolean()).isFalse();

    assertThat(data.get(4).path("name").asText()).isEqualTo("cfg");

    JsonNode exec = data.get(5);
    assertThat(exec.path("status").asInt()).isEqualTo(101);
    assertThat(exec.path("subresource").asText()).isEqualTo("exec");
    assertThat(exec.path("upgrade").asText()).isEqualTo("v5.channel.k8s.io");
    assertThat(exec.path("query").asText()).startsWith("command=cat");
  }

  @Test
  void aDeniedSessionIsRecordedWithKpamsStatusAndReason() throws Exception {
    proxy(
        id ->
            CompletableFuture.failedFuture(
                new SessionDeniedException(id, "kpam session s-1 has ended: ended by alice")));

    assertThat(send(HttpMethod.GET, "/api/v1/namespaces/default/pods").status()).isEqualTo(403);

    JsonNode data = events(1).get(0).path("data");
    assertThat(data.path("status").asInt()).isEqualTo(403);
    assertThat(data.path("verb").asText()).isEqualTo("list");
    assertThat(data.path("error").asText()).isEqualTo("kpam session s-1 has ended: ended by alice");
  }

  @Test
  void anUnreachableApiServerIsRecordedAsA502WithTheReason() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    proxyTo("https://127.0.0.1:" + closedPort);

    assertThat(send(HttpMethod.GET, "/apis/apps/v1/namespaces/web/deployments").status())
        .isEqualTo(502);

    JsonNode data = events(1).get(0).path("data");
    assertThat(data.path("status").asInt()).isEqualTo(502);
    assertThat(data.path("apiGroup").asText()).isEqualTo("apps");
    assertThat(data.path("error").asText()).contains("connection refused");
  }

  @Test
  void noEventCarriesTheInjectedOrTheLocalTokenAndSecretsAreRedacted() throws Exception {
    proxyTo(kube.url().toString());
    String secret =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},"
            + "\"stringData\":{\"password\":\"hunter2-plain\"}}";

    TestHttpClient.send(
        fixture,
        tls(),
        request(HttpMethod.POST, "/api/v1/namespaces/default/secrets", "application/json", secret));
    send(HttpMethod.GET, "/api/v1/namespaces/default/secrets/db");
    events(2);
    fixture.connections.end(SESSION, "terminated", "kpam session s-1 was terminated: by admin");
    fixture.connections.end(SESSION, "terminated", "kpam session s-1 was terminated: again");

    List<JsonNode> events = events(3);
    assertThat(events.get(0).path("data").path("body").asText())
        .contains("\"password\":\"<redacted>\"");
    assertThat(events.get(2).path("type").asText()).isEqualTo("session");
    assertThat(events.get(2).path("data").path("what").asText()).isEqualTo("terminated");
    byte[] spooled =
        Files.readAllBytes(dir.resolve("spool").resolve(SESSION).resolve("events.jsonl"));
    assertThat(new String(spooled, StandardCharsets.UTF_8))
        .doesNotContain(STORED_TOKEN)
        .doesNotContain(LOCAL_TOKEN)
        .doesNotContain("hunter2-plain")
        .doesNotContainIgnoringCase("authorization");
  }

  @Test
  void aFailClosedSessionIsRefusedWhileTheSpoolCannotBeWritten() throws Exception {
    spool.close();
    Path blocked = dir.resolve("blocked");
    Files.writeString(blocked, "not a directory");
    spool = Spool.open(blocked, Clock.systemUTC());
    proxyTo(kube.url().toString());

    TestHttpClient.Answer answer = send(HttpMethod.GET, "/api/v1/namespaces/default/pods");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).contains("recording unavailable: ");
    assertThat(kube.requests()).isEmpty();
  }

  @Test
  void aFailOpenSessionIsServedWhileTheSpoolCannotBeWritten() throws Exception {
    spool.close();
    Path blocked = dir.resolve("blocked");
    Files.writeString(blocked, "not a directory");
    spool = Spool.open(blocked, Clock.systemUTC());
    SessionLookup lookup =
        ProxyFixture.lookup(
            SESSION,
            kube.url().toString(),
            kube.caCertificatePem(),
            STORED_TOKEN,
            Instant.now().plus(Duration.ofHours(1)),
            "fail-open");
    proxy(id -> CompletableFuture.completedFuture(lookup));

    assertThat(send(HttpMethod.GET, "/api/v1/namespaces/default/pods").status()).isEqualTo(200);
  }

  @Test
  void aFailingSpoolClosesTheOpenWatchOfAFailClosedSession() throws Exception {
    proxyTo(kube.url().toString());
    Channel watch = watch("/api/v1/namespaces/default/pods?watch=true");

    fixture.connections.recordingFailed("disk full");

    await().atMost(Duration.ofSeconds(5)).until(() -> !watch.isActive());
    assertThat(events(1).get(0).path("data").path("verb").asText()).isEqualTo("watch");
  }

  /** Starts a watch, waits for the response head, and goes away as kubectl does on Ctrl-C. */
  private void watchAndHangUp(String uri) throws Exception {
    watch(uri).close().syncUninterruptibly();
    events(3);
  }

  private Channel watch(String uri) throws Exception {
    CompletableFuture<Integer> head = new CompletableFuture<>();
    SslContext tls = tls();
    Channel channel =
        fixture.connectHttp(
            tls,
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpResponse response) {
                  head.complete(response.status().code());
                }
                ReferenceCountUtil.release(msg);
              }
            });
    channel.writeAndFlush(request(HttpMethod.GET, uri, null, null));
    assertThat(head.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    return channel;
  }

  private void execAndHangUp() throws Exception {
    URI uri =
        URI.create(
            "wss://127.0.0.1:"
                + fixture.port()
                + "/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true");
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Authorization", "Bearer " + LOCAL_TOKEN);
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, "v5.channel.k8s.io", false, headers, 1 << 16);
    CompletableFuture<Void> upgraded = new CompletableFuture<>();
    SslContext tls = tls();
    Channel channel =
        fixture.connectHttp(
            tls,
            new HttpObjectAggregator(1 << 16),
            new WebSocketClientProtocolHandler(handshaker),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt
                    == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                        .HANDSHAKE_COMPLETE) {
                  upgraded.complete(null);
                }
                ctx.fireUserEventTriggered(evt);
              }

              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
              }
            });
    upgraded.get(10, TimeUnit.SECONDS);
    channel.close().syncUninterruptibly();
  }
}
