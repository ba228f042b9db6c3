package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kpam.server.notify.WebhookSettings;
import dev.kpam.testing.TestClock;
import dev.kpam.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Several {@code kpam server}s on one PostgreSQL database (issue 15): two replicas starting at once
 * on an empty database (migrations, the first admin and the CA made once); a notification posted
 * once though both replicas deliver the outbox; a termination made on one replica reaching a
 * gateway whose event stream is on the other.
 */
class ReplicasTest {
  private static final byte[] SECRET =
      "a-webhook-secret-of-32-bytes-len".getBytes(StandardCharsets.UTF_8);

  @Test
  void twoReplicasStartingAtOnceOnAnEmptyDatabaseMakeEverythingOnce() throws Exception {
    try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      String rootKey = Base64.getEncoder().encodeToString(key);
      TestClock clock = TestClock.startingNow();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService starters = Executors.newFixedThreadPool(2);
      List<Future<KpamServer>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ServerConfig config =
            TestServer.settings(TestServer.tempDir(), schema.jdbcUrl(), clock)
                .relayPort(0)
                .rootKey(rootKey)
                .build();
        starting.add(
            starters.submit(
                () -> {
                  go.await();
                  return KpamServer.start(config);
                }));
      }
      go.countDown();
      List<KpamServer> servers = new ArrayList<>();
      try {
        for (Future<KpamServer> server : starting) {
          servers.add(server.get(120, TimeUnit.SECONDS));
        }
        for (KpamServer server : servers) {
          Api admin = new Api(server.url()).login("admin", TestServer.ADMIN_PASSWORD);
          assertThat(admin.get("/api/v1/users").expect(200).json().get("items")).hasSize(1);
        }
        try (Connection db = DriverManager.getConnection(schema.jdbcUrl());
            Statement sql = db.createStatement()) {
          assertThat(count(sql, "SELECT COUNT(*) FROM users")).isEqualTo(1);
          assertThat(count(sql, "SELECT COUNT(*) FROM certificate_authorities")).isEqualTo(1);
          assertThat(count(sql, "SELECT COUNT(*) FROM flyway_schema_history WHERE NOT success"))
              .isZero();
          assertThat(
                  count(
                      sql,
                      "SELECT COUNT(*) FROM (SELECT version FROM flyway_schema_history"
                          + " WHERE version IS NOT NULL GROUP BY version HAVING COUNT(*) > 1) d"))
              .isZero();
        }
      } finally {
        servers.forEach(KpamServer::close);
        starters.shutdownNow();
      }
    }
  }

  private static long count(Statement sql, String query) throws Exception {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void eachNotificationIsPostedOnceThoughBothReplicasDeliverTheOutbox() throws Exception {
    Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          // A slow receiver: the other replica's outbox loop comes round while a post is open.
          try {
            Thread.sleep(1_500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          deliveries
              .computeIfAbsent(
                  exchange.getRequestHeaders().getFirst("X-Kpam-Delivery"),
                  id -> new AtomicInteger())
              .incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.setExecutor(Executors.newFixedThreadPool(4));
    receiver.start();
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    WebhookSettings hook = new WebhookSettings(url, SECRET, "json");
    try (TestServer first = TestServer.start(Backend.POSTGRESQL, b -> b.webhook(hook));
        TestServer second = first.replica(b -> b.webhook(hook))) {
      Fixtures.resourceWithAccount(first, "prod", "dc1");
      int sessions = 8;
      for (int i = 0; i < sessions; i++) {
        TestServer on = i % 2 == 0 ? first : second;
        String session = Fixtures.openSession(on.admin, "prod", "admin", "1h");
        on.admin
            .post("/api/v1/sessions/" + session + "/terminate", Map.of("reason", "drill " + i))
            .expect(200);
      }
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (deliveries.size() < sessions && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertThat(deliveries).hasSize(sessions);
      Thread.sleep(4_000); // more rounds of both replicas' outbox loops
      assertThat(deliveries.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void aTerminationOnOneReplicaReachesAGatewayStreamingFromTheOther() throws Exception {
    try (TestServer first = TestServer.start(Backend.POSTGRESQL);
        TestServer second = first.replica(b -> b)) {
      Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(first, "prod", "dc1");
      String session = Fixtures.openSession(second.admin, "prod", "admin", "1h");
      try (PushStream push = new PushStream(second, dc1.api().token())) {
        push.awaitConnected();
        first
            .admin
            .post("/api/v1/sessions/" + session + "/terminate", Map.of("reason", "on the other"))
            .expect(200);
        List<String> event = push.nextEvent(Duration.ofSeconds(10));
        assertThat(String.join("\n", event)).contains("session.terminated").contains(session);
      }
    }
  }

  @Test
  void aBatchRetriedAgainstTheOtherReplicaIsStoredOnce() throws Exception {
    try (TestServer first = TestServer.start(Backend.POSTGRESQL);
        TestServer second = first.replica(b -> b)) {
      Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(first, "prod", "dc1");
      Fixtures.Enrolled dc1OnSecond =
          new Fixtures.Enrolled(dc1.id(), second.anonymous.withToken(dc1.api().token()));
      String session = Fixtures.openSession(first.admin, "prod", "admin", "1h");
      // The gateway sends a batch to one replica, loses the answer, and sends it to the other.
      for (Fixtures.Enrolled to : List.of(dc1, dc1OnSecond)) {
        GatewayUpload upload = new GatewayUpload(to, session, Duration.ofMillis(10));
        for (int i = 0; i < 5; i++) {
          upload.add(
              "recording", GatewayUpload.recordingChunk("r-1", i, List.of("[0.1,\"o\",\"x\"]")));
        }
        upload.upload();
      }
      for (TestServer on : List.of(first, second)) {
        assertThat(
                on.admin
                    .get("/api/v1/sessions/" + session + "/events")
                    .expect(200)
                    .json()
                    .get("items"))
            .hasSize(5);
      }
    }
  }
}
