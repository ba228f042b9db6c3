package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FAST = Duration.ofMillis(50);

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private EventServerStub server;

  @BeforeEach
  void startServer() throws IOException {
    server = new EventServerStub();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static List<Long> seqs(List<JsonNode> lines) {
    return lines.stream().map(line -> line.path("seq").asLong()).toList();
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  @Test
  void eachSessionsEventsGetGapFreeSeqsInFileOrder() throws IOException {
    try (Spool spool = Spool.open(dir, clock)) {
      for (int i = 0; i < 300; i++) {
        spool.append("s-1", "request", Map.of("n", i));
        spool.append("s/2", "request", Map.of("n", i));
      }
    }

    List<JsonNode> first = lines(dir.resolve("s-1").resolve("events.jsonl"));
    assertThat(seqs(first)).isEqualTo(oneTo(300));
    assertThat(first).extracting(line -> line.path("data").path("n").asInt()).isSorted();
    assertThat(first.get(0).path("type").asText()).isEqualTo("request");
    assertThat(first.get(0).path("time").asText()).endsWith("Z");
    assertThat(seqs(lines(dir.resolve("s%2F2").resolve("events.jsonl")))).isEqualTo(oneTo(300));
  }

  @Test
  void theSpoolIsReadableByTheGatewaysUserOnlyAndARestartTightensWhatWasLoose() throws IOException {
    Path root = dir.resolve("spool");
    try (Spool spool = Spool.open(root, clock)) {
      spool.append("s-1", "request", Map.of("n", 1));
    }
    Path session = root.resolve("s-1");
    assertThat(mode(root)).isEqualTo("rwx------");
    assertThat(mode(session)).isEqualTo("rwx------");
    assertThat(mode(session.resolve("events.jsonl"))).isEqualTo("rw-------");

    Files.setPosixFilePermissions(session, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        session.resolve("events.jsonl"), PosixFilePermissions.fromString("rw-r--r--"));
    try (Spool spool = Spool.open(root, clock)) {
      assertThat(spool.sessionIds()).containsExactly("s-1");
    }
    assertThat(mode(session)).isEqualTo("rwx------");
    assertThat(mode(session.resolve("events.jsonl"))).isEqualTo("rw-------");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void aRestartContinuesAfterTheLastCompleteLineAndDropsATornOne() throws IOException {
    try (Spool spool = Spool.open(dir, clock)) {
      for (int i = 0; i < 3; i++) {
        spool.append("s-1", "request", Map.of("n", i));
      }
    }
    Path events = dir.resolve("s-1").resolve("events.jsonl");
    Files.writeString(events, "{\"seq\":4,\"time\":\"20", StandardOpenOption.APPEND);

    try (Spool spool = Spool.open(dir, clock)) {
      spool.append("s-1", "after-restart", Map.of());
    }

    List<JsonNode> lines = lines(events);
    assertThat(seqs(lines)).isEqualTo(oneTo(4));
    assertThat(lines.get(3).path("type").asText()).isEqualTo("after-restart");
  }

  @Test
  void anExchangeStillOpenWhenTheGatewayStoppedGetsItsRequestEventAtTheNextStart()
      throws IOException {
    try (Spool spool = Spool.open(dir, clock)) {
      spool.append("s-1", "request_open", Map.of("id", "r-watch", "path", "/api/v1/pods"));
      spool.append("s-1", "request_open", Map.of("id", "r-done", "path", "/api/v1/pods"));
      spool.append("s-1", "request", Map.of("id", "r-done", "path", "/api/v1/pods"));
    }

    try (Spool spool = Spool.open(dir, clock)) {
      // the restart itself appends; nothing else is asked of it
    }

    List<JsonNode> lines = lines(dir.resolve("s-1").resolve("events.jsonl"));
    assertThat(seqs(lines)).isEqualTo(oneTo(4));
    JsonNode closed = lines.get(3);
    assertThat(closed.path("type").asText()).isEqualTo("request");
    assertThat(closed.path("data").path("id").asText()).isEqualTo("r-watch");
    assertThat(closed.path("data").path("path").asText()).isEqualTo("/api/v1/pods");
    assertThat(closed.path("data").path("error").asText()).contains("gateway stopped");
  }

  @Test
  void uploadsWaitOutAnOutageThenTheSpoolGoesOnceTheSessionIsOverAndAcknowledged() {
    server.failWith = 503;
    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader =
            EventUploader.start(spool, server.endpoint(), FAST, Duration.ofMillis(200))) {
      for (int i = 0; i < 1200; i++) {
        spool.append("s-1", "request", Map.of("n", i));
      }
      await().until(() -> Files.exists(dir.resolve("s-1").resolve("events.jsonl")));
      assertThat(dir.resolve("s-1").resolve("acked")).doesNotExist();

      server.failWith = 0;

      await().atMost(Duration.ofSeconds(10)).until(() -> server.seqs("s-1").equals(oneTo(1200)));
      assertThat(server.batchSizes).allMatch(size -> size <= EventUploader.MAX_EVENTS);
      await().until(() -> "1200".equals(readAcked()));
      assertThat(dir.resolve("s-1")).exists();

      spool.sessionOver("s-1");

      await().until(() -> !Files.exists(dir.resolve("s-1")));
    }
  }

  @Test
  void aBusySessionIsUploadedOncePerLingerAndALoneEventAtOnce() throws Exception {
    Duration linger = Duration.ofMillis(500);
    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader =
            EventUploader.start(spool, server.endpoint(), FAST, FAST, linger)) {
      spool.append("s-1", "request", Map.of("n", 0));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.seqs("s-1").equals(oneTo(1)));
      // Two seconds of steady traffic, fewer than a full batch per linger: one upload per round
      // trip would be dozens, lingering it is one per linger.
      long started = System.nanoTime();
      int n = 1;
      while (System.nanoTime() - started < Duration.ofSeconds(2).toNanos()) {
        spool.append("s-1", "request", Map.of("n", n++));
        LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
      }
      long elapsed = System.nanoTime() - started;
      int appended = n;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.seqs("s-1").equals(oneTo(appended)));
      assertThat(appended).isLessThan((int) (elapsed / linger.toNanos() + 1) * 500);
      assertThat(server.batchSizes.size() - 1)
          .isLessThanOrEqualTo((int) (elapsed / linger.toNanos()) + 2);

      Thread.sleep(linger.multipliedBy(2).toMillis()); // a quiet spell
      int before = server.batchSizes.size();
      spool.append("s-1", "request", Map.of("n", appended));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.seqs("s-1").size() == appended + 1);
      assertThat(server.batchSizes).hasSize(before + 1);
    }
  }

  @Test
  void aNewSpoolOnTheSameDirectoryUploadsWhatWasNotAcknowledgedAndContinuesTheSeq() {
    server.failWith = 503;
    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader = EventUploader.start(spool, server.endpoint(), FAST, FAST)) {
      for (int i = 0; i < 700; i++) {
        spool.append("s-1", "request", Map.of("n", i));
      }
    }
    server.failWith = 0;

    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader = EventUploader.start(spool, server.endpoint(), FAST, FAST)) {
      for (int i = 0; i < 5; i++) {
        spool.append("s-1", "request", Map.of("n", 700 + i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.seqs("s-1").equals(oneTo(705)));
    }
    assertThat(server.events("s-1"))
        .extracting(event -> event.path("data").path("n").asInt())
        .isEqualTo(java.util.stream.IntStream.range(0, 705).boxed().toList());
  }

  @Test
  void aSessionOverBeforeItsFirstEventLeavesTheSpoolOnceThatEventIsAcknowledged() {
    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader = EventUploader.start(spool, server.endpoint(), FAST, FAST)) {
      spool.sessionOver("s-1");
      spool.append("s-1", "request", Map.of("refused", true));

      await().until(() -> server.seqs("s-1").equals(oneTo(1)) && !Files.exists(dir.resolve("s-1")));
    }
  }

  @Test
  void aSessionTheServerCallsGoneLeavesTheSpool() {
    server.failWith = 410;
    try (Spool spool = Spool.open(dir, clock);
        EventUploader uploader = EventUploader.start(spool, server.endpoint(), FAST, FAST)) {
      spool.append("s-1", "request", Map.of());

      await().until(() -> !Files.exists(dir.resolve("s-1")) && spool.sessionIds().isEmpty());
    }
  }

  @Test
  void anUnwritableSpoolIsReportedAndTheSessionIsMarkedIncompleteOnceItWorksAgain()
      throws IOException {
    Path root = dir.resolve("spool");
    Files.writeString(root, "a file where the spool directory should be");
    try (Spool spool = Spool.open(root, clock)) {
      assertThat(spool.unavailable("s-1")).isNotNull();
      spool.append("s-1", "request", Map.of("n", 0));
      spool.written().join();

      Files.delete(root);
      await().atMost(Duration.ofSeconds(5)).until(() -> spool.unavailable("s-1") == null);
      spool.append("s-1", "request", Map.of("n", 1));
    }

    List<JsonNode> lines = lines(root.resolve("s-1").resolve("events.jsonl"));
    assertThat(seqs(lines)).isEqualTo(oneTo(2));
    assertThat(lines.get(0).path("type").asText()).isEqualTo("session");
    assertThat(lines.get(0).path("data").path("what").asText()).isEqualTo("recording_incomplete");
    assertThat(lines.get(1).path("data").path("n").asInt()).isEqualTo(1);
  }

  private String readAcked() throws IOException {
    Path acked = dir.resolve("s-1").resolve("acked");
    return Files.exists(acked) ? Files.readString(acked) : null;
  }
}
