package dev.kpam.relay.control;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.relay.GateDecision;
import dev.kpam.relay.GateUnavailableException;
import dev.kpam.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's session gate against a stand-in for the kpam server's admission endpoint (the real
 * server is exercised end to end in kpam-it's StandaloneRelayTest): what it admits, refuses,
 * caches, and does while the server is unreachable.
 */
class ServerSessionGateTest {
  private static final String CREDENTIAL = "kprl_test-credential";

  private final TestClock clock = TestClock.startingNow();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 204;
  private volatile String body = "";
  private volatile CountDownLatch holdAnswers = new CountDownLatch(0);
  private HttpServer server;
  private ServerSessionGate gate;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/relay/sessions/", this::answer);
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    gate =
        new ServerSessionGate(
            new ControlPlaneClient(url, HttpClient.newHttpClient(), () -> CREDENTIAL),
            clock,
            Duration.ofSeconds(3));
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.add(
        exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
    try {
      holdAnswers.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
    if (status != 204) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  private void serverAnswers(int newStatus, String code, String message) {
    status = newStatus;
    body = "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
  }

  private GateDecision check(String sessionId) throws Exception {
    return gate.check(sessionId, "dc1").toCompletableFuture().get(10, SECONDS);
  }

  @Test
  void anActiveSessionIsAdmittedAndTheYesIsReusedForAFewSeconds() throws Exception {
    assertThat(check("s1").allowed()).isTrue();
    assertThat(check("s1").allowed()).isTrue();
    assertThat(requests)
        .containsExactly("/api/v1/relay/sessions/s1/admission?gateway=dc1 Bearer " + CREDENTIAL);

    clock.advance(Duration.ofSeconds(3));
    assertThat(check("s1").allowed()).isTrue();
    assertThat(requests).hasSize(2);
  }

  @Test
  void aSessionThatIsOverIsRefusedWithTheServersReasonOnceTheYesHasAged() throws Exception {
    assertThat(check("s1").allowed()).isTrue();
    serverAnswers(410, "session_ended", "session s1 is ended: done");

    assertThat(check("s1").allowed()).as("the yes of a moment ago").isTrue();
    clock.advance(Duration.ofSeconds(3));
    GateDecision decision = check("s1");

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).isEqualTo("session s1 is ended: done");
  }

  @Test
  void unknownAndForeignSessionsAreRefused() throws Exception {
    serverAnswers(404, "not_found", "session s9 does not exist");
    assertThat(check("s9")).isEqualTo(GateDecision.refuse("session s9 does not exist"));

    serverAnswers(403, "forbidden", "session s9 is not served by this gateway");
    assertThat(check("s9").reason()).isEqualTo("session s9 is not served by this gateway");
  }

  @Test
  void whileTheServerIsUnreachableOnlySessionsAdmittedBeforePass() throws Exception {
    assertThat(check("s1").allowed()).isTrue();
    clock.advance(Duration.ofSeconds(10));
    server.stop(0);

    assertThat(check("s1").allowed()).as("admitted before").isTrue();
    assertThatThrownBy(() -> check("s2"))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(GateUnavailableException.class)
        .hasMessage("cannot reach the kpam server to check session s2; try again shortly");
  }

  @Test
  void aFailingServerIsAnOutageNotARefusal() throws Exception {
    assertThat(check("s1").allowed()).isTrue();
    clock.advance(Duration.ofSeconds(10));
    serverAnswers(503, "unavailable", "the database is unavailable; try again shortly");

    assertThat(check("s1").allowed()).isTrue();
    assertThatThrownBy(() -> check("s2"))
        .cause()
        .isInstanceOf(GateUnavailableException.class)
        .hasMessageContaining("cannot reach the kpam server");
  }

  @Test
  void aRelayTheServerNoLongerKnowsAdmitsNothing() throws Exception {
    assertThat(check("s1").allowed()).isTrue();
    clock.advance(Duration.ofSeconds(10));
    serverAnswers(401, "unauthenticated", "unknown relay credential");

    assertThatThrownBy(() -> check("s1"))
        .cause()
        .isInstanceOf(GateUnavailableException.class)
        .hasMessageContaining("no longer registered with the kpam server");
  }

  @Test
  void concurrentChecksOfOneSessionShareOneRequest() throws Exception {
    holdAnswers = new CountDownLatch(1);
    CompletableFuture<GateDecision> first = gate.check("s1", "dc1").toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == 1);
    CompletableFuture<GateDecision> second = gate.check("s1", "dc1").toCompletableFuture();

    holdAnswers.countDown();

    assertThat(first.get(10, SECONDS).allowed()).isTrue();
    assertThat(second.get(10, SECONDS).allowed()).isTrue();
    assertThat(requests).hasSize(1);
  }

  @Test
  void theCacheIsAFewSecondsAtMost() {
    ControlPlaneClient api =
        new ControlPlaneClient(
            URI.create("http://127.0.0.1:1"), HttpClient.newHttpClient(), () -> "");

    assertThatThrownBy(() -> new ServerSessionGate(api, clock, Duration.ofMinutes(1)))
        .hasMessage("cacheFor: PT1M (expected: 0 to 10s)");
  }
}
