package dev.kpam.cli.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.kubeconfig.KubeconfigEntry;
import dev.kpam.cli.kubeconfig.Kubeconfigs;
import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProxyTest {
  static final String TOKEN = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

  private final Clock clock = Clock.systemUTC();
  private final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);
  private final LocalCertificate local = LocalCertificate.create(Duration.ofHours(1), clock);
  private EventLoopGroup gatewayLoop;
  private TestGateway gateway;
  private DirectUpstream upstream;
  private LocalProxy proxy;

  @BeforeEach
  void start() {
    gatewayLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    gatewayLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void startProxy(String gatewayCertificateFor) {
    gateway = new TestGateway(gatewayLoop, ca, gatewayCertificateFor);
    KeyPair sessionKey = KeyPairs.generateEcP256();
    var sessionCertificate =
        ca.issueSessionCertificate(
            sessionKey.getPublic(), "s1", "dc1", clock.instant().plus(Duration.ofHours(1)));
    SessionTls tls = SessionTls.of(sessionKey.getPrivate(), sessionCertificate, ca.chain(), "dc1");
    upstream = new DirectUpstream(gateway.port(), tls);
    proxy = LocalProxy.start(0, local.serverContext(), TOKEN, upstream);
    await().until(() -> upstream.opened.get() == LocalProxy.WARM_CONNECTIONS);
  }

  private TlsTestClient client() throws Exception {
    return new TlsTestClient(proxy.port(), local.certificate());
  }

  @Test
  void aRequestWithoutTheLocalTokenGetsA401StatusAndGoesNowhere() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/version", null);
      String head = client.head();
      assertThat(head).startsWith("HTTP/1.1 401");
      assertThat(client.body(head))
          .contains("\"kind\":\"Status\"", "\"reason\":\"Unauthorized\"", "\"code\":401");
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(upstream.opened).hasValue(LocalProxy.WARM_CONNECTIONS); // none more
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void aRequestWithAWrongTokenGetsA401StatusAndGoesNowhere() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN.substring(1) + "x");
      assertThat(client.head()).startsWith("HTTP/1.1 401");
    }
    assertThat(upstream.opened).hasValue(LocalProxy.WARM_CONNECTIONS); // none more
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void aRequestWithTheTokenIsForwardedWithoutItsAuthorizationHeader() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      String head = client.head();
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(client.body(head)).isEqualTo(TestGateway.VERSION);
    }
    TestGateway.Seen seen = gateway.requests.poll(10, TimeUnit.SECONDS);
    assertThat(seen.uri()).isEqualTo("/version");
    assertThat(seen.headers().get("Kubectl-Command")).isEqualTo("kubectl get");
    assertThat(seen.headers().contains("Authorization")).isFalse();
  }

  @Test
  void everyRequestOfAKeepAliveConnectionIsChecked() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      client.body(client.head());
      client.get("/version?again", TOKEN);
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
      client.get("/version?stolen", null);
      assertThat(client.head()).startsWith("HTTP/1.1 401");
    }
    assertThat(upstream.opened).hasValue(LocalProxy.WARM_CONNECTIONS);
    List<String> uris = new ArrayList<>();
    uris.add(gateway.requests.poll(10, TimeUnit.SECONDS).uri());
    uris.add(gateway.requests.poll(10, TimeUnit.SECONDS).uri());
    assertThat(uris).containsExactly("/version", "/version?again");
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void aStreamedChunkedResponseArrivesPieceByPiece() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/watch?watch=true", TOKEN);
      assertThat(client.head()).startsWith("HTTP/1.1 200").contains("chunked");
      assertThat(client.chunk()).isEqualTo("event-1\n"); // before the gateway sent the second
      gateway.releaseSecondChunk.complete(null);
      assertThat(client.chunk()).isEqualTo("event-2\n");
      assertThat(client.chunk()).isEmpty();
    }
  }

  @Test
  void anUpgradeTurnsTheConnectionIntoARawBytePipeBothWays() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.send(
          "POST /api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
              + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
              + "Authorization: Bearer "
              + TOKEN
              + "\r\nContent-Length: 0\r\n\r\n");
      assertThat(client.head()).startsWith("HTTP/1.1 101").contains("SPDY/3.1");
      String frame = "\u0080\u0003\u0000\u0001 not HTTP at all\r\n\r\n";
      client.send(frame);
      assertThat(client.read(frame.getBytes(StandardCharsets.UTF_8).length)).isEqualTo(frame);
      client.send("GET / HTTP/1.1\r\n\r\n"); // no longer parsed nor checked: raw bytes
      assertThat(client.read(18)).isEqualTo("GET / HTTP/1.1\r\n\r\n");
    }
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).headers().contains("Authorization"))
        .isFalse();
  }

  @Test
  void aGatewayCertificateOfAnotherGatewayIsRefused() throws Exception {
    startProxy("dc2");
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      String head = client.head();
      assertThat(head).startsWith("HTTP/1.1 502");
      assertThat(client.body(head)).contains("gateway dc1").contains("\"kind\":\"Status\"");
    }
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void kubectlConnectionsOneAfterAnotherShareTheWarmGatewayConnections() throws Exception {
    startProxy("dc1");
    Set<String> carriers = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      try (TlsTestClient client = client()) {
        client.get("/version?n=" + i, TOKEN);
        assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
      }
      carriers.add(gateway.requests.poll(10, TimeUnit.SECONDS).connection());
    }
    assertThat(upstream.opened).hasValue(LocalProxy.WARM_CONNECTIONS);
    assertThat(carriers).hasSizeLessThanOrEqualTo(LocalProxy.WARM_CONNECTIONS);
  }

  @Test
  void aBurstOfConcurrentRequestsIsAnsweredWhole() throws Exception {
    startProxy("dc1");
    int burst = 24;
    List<TlsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < burst; i++) {
        TlsTestClient client = client();
        clients.add(client);
        client.get("/version?burst=" + i, TOKEN);
      }
      for (TlsTestClient client : clients) {
        assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
      }
    } finally {
      for (TlsTestClient client : clients) {
        client.close();
      }
    }
    Set<String> uris = new HashSet<>();
    for (int i = 0; i < burst; i++) {
      uris.add(gateway.requests.poll(10, TimeUnit.SECONDS).uri());
    }
    assertThat(uris).hasSize(burst);
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void gatewayConnectionsClosedWhileIdleAreNotUsedAgain() throws Exception {
    startProxy("dc1");
    gateway.connections.close().syncUninterruptibly();
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
      gateway.connections.close().syncUninterruptibly();
      client.get("/version?again", TOKEN); // the same kubectl connection: it outlived them
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
    }
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).uri()).isEqualTo("/version");
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).uri()).isEqualTo("/version?again");
  }

  @Test
  void anUpgradedConnectionNeverServesAnotherRequest() throws Exception {
    startProxy("dc1");
    List<TlsTestClient> execs = new ArrayList<>();
    for (int i = 0; i < LocalProxy.WARM_CONNECTIONS + 1; i++) {
      TlsTestClient exec = client(); // stays open: its gateway connection stays its own
      execs.add(exec);
      exec.send(
          "POST /api/v1/namespaces/default/pods/web/exec?command=sh HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
              + "Authorization: Bearer "
              + TOKEN
              + "\r\nContent-Length: 0\r\n\r\n");
      assertThat(exec.head()).startsWith("HTTP/1.1 101");
    }
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
    }
    assertThat(upstream.opened).hasValueGreaterThan(LocalProxy.WARM_CONNECTIONS + 1);
    for (TlsTestClient exec : execs) {
      exec.close();
    }
  }

  @Test
  void aGetWhoseIdleGatewayConnectionDiesUnansweredIsSentAgainOnANewOne() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/drop-once", TOKEN);
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
    }
    assertThat(gateway.dropped).isTrue();
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).uri()).isEqualTo("/drop-once");
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).uri()).isEqualTo("/drop-once");
  }

  @Test
  void aPostWhoseGatewayConnectionDiesUnansweredIsNotSentAgainAndGetsAStatus() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.send(
          "POST /drop-once HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + TOKEN
              + "\r\nContent-Length: 2\r\n\r\n{}");
      String head = client.head();
      assertThat(head).startsWith("HTTP/1.1 503");
      assertThat(client.body(head))
          .contains("\"kind\":\"Status\"")
          .contains("closed before it answered")
          .contains("may or may not have reached the API server");
      assertThat(client.closedByPeer()).isTrue();
    }
    assertThat(gateway.requests.poll(10, TimeUnit.SECONDS).uri()).isEqualTo("/drop-once");
    assertThat(gateway.requests.poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aWatchWhoseGatewayConnectionDiesEndsWithAnErrorEventCarryingAStatus() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/watch-dies?watch=true", TOKEN);
      assertThat(client.head()).startsWith("HTTP/1.1 200").contains("chunked");
      assertThat(client.chunk()).isEqualTo("{\"type\":\"ADDED\"}\n");
      String last = client.chunk();
      assertThat(last)
          .startsWith("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\"")
          .contains("\"code\":503")
          .contains("closed mid-watch")
          .endsWith("}\n");
      assertThat(client.chunk()).isEmpty(); // the response ends properly
    }
  }

  @Test
  void anExecWhoseGatewayConnectionDiesGetsAStatusOnItsErrorChannelAndACloseFrame()
      throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.send(
          "GET /exec-dies?command=sh HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
              + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\nAuthorization: Bearer "
              + TOKEN
              + "\r\n\r\n");
      assertThat(client.head()).startsWith("HTTP/1.1 101").contains("v5.channel.k8s.io");
      byte[] rest = client.readToEnd();

      assertThat(rest.length).isGreaterThan(TestGateway.EXEC_OUTPUT.length + 4);
      assertThat(Arrays.copyOf(rest, TestGateway.EXEC_OUTPUT.length))
          .isEqualTo(TestGateway.EXEC_OUTPUT);
      // Then a binary frame on channel 3 (error) with the Status, then a close frame (1000).
      int at = TestGateway.EXEC_OUTPUT.length;
      assertThat(rest[at] & 0xff).isEqualTo(0x82);
      int length = rest[at + 1] & 0x7f;
      int payload = at + 2 + (length == 126 ? 2 : 0);
      assertThat(rest[payload]).isEqualTo((byte) 3);
      String status =
          new String(rest, payload + 1, rest.length - 4 - payload - 1, StandardCharsets.UTF_8);
      assertThat(status)
          .startsWith("{\"kind\":\"Status\"")
          .contains("\"code\":503")
          .contains("closed mid-stream");
      assertThat(Arrays.copyOfRange(rest, rest.length - 4, rest.length))
          .isEqualTo(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8});
    }
  }

  @Test
  void onlyWatchRequestsAreWatches() {
    assertThat(RequestForwarder.isWatch("/api/v1/pods?watch=true&resourceVersion=1")).isTrue();
    assertThat(RequestForwarder.isWatch("/api/v1/pods?labelSelector=a&watch=1")).isTrue();
    assertThat(RequestForwarder.isWatch("/api/v1/watch/namespaces/default/pods")).isTrue();
    assertThat(RequestForwarder.isWatch("/apis/apps/v1/watch/deployments")).isTrue();
    assertThat(RequestForwarder.isWatch("/api/v1/pods?watch=false")).isFalse();
    assertThat(RequestForwarder.isWatch("/api/v1/pods?labelSelector=watch%3Dtrue")).isFalse();
    assertThat(RequestForwarder.isWatch("/api/v1/namespaces/watch/pods")).isFalse();
  }

  @Test
  void onlyFollowedLogsAreFollowedLogs() {
    assertThat(
            RequestForwarder.isFollowedLog("/api/v1/namespaces/default/pods/web/log?follow=true"))
        .isTrue();
    assertThat(
            RequestForwarder.isFollowedLog("/api/v1/namespaces/d/pods/w/log?container=c&follow=1"))
        .isTrue();
    assertThat(RequestForwarder.isFollowedLog("/api/v1/namespaces/default/pods/web/log")).isFalse();
    assertThat(RequestForwarder.isFollowedLog("/api/v1/namespaces/d/pods/w/log?follow=false"))
        .isFalse();
    assertThat(RequestForwarder.isFollowedLog("/api/v1/pods?follow=true")).isFalse();
  }

  @Test
  void kubectlGoingAwayMidResponseClosesItsGatewayConnection() throws Exception {
    startProxy("dc1");
    try (TlsTestClient client = client()) {
      client.get("/watch?watch=true", TOKEN);
      assertThat(client.head()).startsWith("HTTP/1.1 200");
      assertThat(client.chunk()).isEqualTo("event-1\n");
    }
    await().until(() -> gateway.closed.get() == 1);
    try (TlsTestClient client = client()) {
      client.get("/version", TOKEN);
      assertThat(client.body(client.head())).isEqualTo(TestGateway.VERSION);
    }
  }

  @Test
  void kubectlTrustsTheLocalCertificateAndSendsTheToken(@TempDir Path home) throws Exception {
    startProxy("dc1");
    Path kubeconfig = home.resolve("kpam.kubeconfig");
    Kubeconfigs.writeStandalone(
        kubeconfig,
        new KubeconfigEntry(
            "kpam/prod/admin", "https://127.0.0.1:" + proxy.port(), local.pem(), TOKEN));
    ProcessBuilder kubectl =
        new ProcessBuilder(
                "/usr/bin/kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "get",
                "--raw",
                "/version")
            .redirectErrorStream(true);
    kubectl.environment().put("HOME", home.toString());
    kubectl.environment().remove("KUBECONFIG");
    Process process = kubectl.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output).contains("v1.24.17");
    assertThat(process.exitValue()).isZero();
    TestGateway.Seen seen = gateway.requests.poll(10, TimeUnit.SECONDS);
    assertThat(seen.headers().get("User-Agent")).startsWith("kubectl");
    assertThat(seen.headers().contains("Authorization")).isFalse();
  }
}
