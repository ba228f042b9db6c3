package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.gateway.session.SessionDirectoryUnavailableException;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.testing.kube.FakeKubeApiServer;
import dev.kpam.testing.kube.RecordedRequest;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubeProxyTest {
  private static final String SESSION = "s-1";
  private FakeKubeApiServer kube;
  private ProxyFixture fixture;

  @BeforeEach
  void startKube() {
    kube = FakeKubeApiServer.start("stored-token");
    kube.addPod("default", "web");
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
    kube.close();
  }

  private SessionLookup lookupOf(String url, String caCert) {
    return ProxyFixture.lookup(
        SESSION, url, caCert, "stored-token", Instant.now().plus(Duration.ofHours(1)));
  }

  private ProxyFixture start(Function<String, CompletionStage<SessionLookup>> lookups) {
    fixture = new ProxyFixture(SESSION, lookups);
    return fixture;
  }

  private static FullHttpRequest listPods() {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/namespaces/default/pods");
    request.headers().set("Host", "127.0.0.1");
    request.headers().set("Authorization", "Bearer user-token");
    request.headers().set("Impersonate-User", "x");
    request.headers().set("Impersonate-Group", "system:masters");
    request.headers().set("X-Forwarded-For", "10.0.0.1");
    request.headers().set("Kubectl-Command", "kubectl get");
    return request;
  }

  @Test
  void theApiServerReceivesOnlyTheStoredTokenAndNoImpersonation() throws Exception {
    start(
        id ->
            CompletableFuture.completedFuture(
                lookupOf(kube.url().toString(), kube.caCertificatePem())));

    TestHttpClient.Answer answer =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).contains("\"name\":\"web\"");
    RecordedRequest received =
        kube.requests().stream()
            .filter(r -> r.path().equals("/api/v1/namespaces/default/pods"))
            .findFirst()
            .orElseThrow();
    assertThat(received.headers().get("authorization")).containsExactly("Bearer stored-token");
    assertThat(received.headers().keySet())
        .noneMatch(name -> name.startsWith("impersonate-"))
        .doesNotContain("x-forwarded-for")
        .contains("kubectl-command");
    assertThat(received.header("host")).isEqualTo(kube.url().getAuthority());
  }

  @Test
  void anUnreachableApiServerGivesA502Status() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "https://127.0.0.1:" + closedPort;
    start(id -> CompletableFuture.completedFuture(lookupOf(url, kube.caCertificatePem())));

    TestHttpClient.Answer answer =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.body())
        .contains("\"kind\":\"Status\"")
        .contains("cannot reach the API server at " + url + ": connection refused");
  }

  @Test
  void anApiServerThatFailsVerificationGivesA502Status() throws Exception {
    start(id -> CompletableFuture.completedFuture(lookupOf(kube.url().toString(), null)));

    TestHttpClient.Answer answer =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.body()).contains("TLS verification of the API server failed");
  }

  @Test
  void aRequestThePolicyForbidsGetsA403StatusWithItsLineAndNeverReachesTheCluster()
      throws Exception {
    SessionLookup readOnly =
        ProxyFixture.withPolicy(
            lookupOf(kube.url().toString(), kube.caCertificatePem()),
            KubePolicy.preset("read-only"));
    start(id -> CompletableFuture.completedFuture(readOnly));
    FullHttpRequest delete =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/api/v1/namespaces/default/pods/web");
    delete.headers().set("Host", "127.0.0.1");

    TestHttpClient.Answer denied =
        TestHttpClient.send(fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), delete);
    TestHttpClient.Answer allowed =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body())
        .contains("\"reason\":\"Forbidden\"")
        .contains("kpam: policy of prod/admin forbids delete on pods in default");
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(kube.requests()).hasSize(1);
    assertThat(kube.requests().get(0).method()).isEqualTo("GET");
  }

  @Test
  void anEndedSessionGetsA403StatusAndNothingReachesTheCluster() throws Exception {
    start(
        id ->
            CompletableFuture.failedFuture(
                new SessionDeniedException(id, "kpam session s-1 has ended: ended by alice")));

    TestHttpClient.Answer answer =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body())
        .contains("\"reason\":\"Forbidden\"")
        .contains("kpam session s-1 has ended: ended by alice");
    assertThat(kube.requests()).isEmpty();
  }

  @Test
  void anUnreachableControlPlaneGivesA503NotADenial() throws Exception {
    start(
        id ->
            CompletableFuture.failedFuture(
                new SessionDirectoryUnavailableException("connection refused", null)));

    TestHttpClient.Answer answer =
        TestHttpClient.send(
            fixture, fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID), listPods());

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).contains("kpam server unreachable; cannot verify the session");
  }

  @Test
  void aSessionCertificateOfAnotherSessionIsClosedWithoutAnAnswer() {
    start(
        id ->
            CompletableFuture.completedFuture(
                lookupOf(kube.url().toString(), kube.caCertificatePem())));

    assertThatThrownBy(
            () ->
                TestHttpClient.send(
                    fixture, fixture.sessionTls("s-2", ProxyFixture.GATEWAY_ID), listPods()))
        .hasRootCauseMessage("closed");
    assertThat(kube.requests()).isEmpty();
  }
}
