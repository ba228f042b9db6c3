package dev.kpam.server.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.server.Backend;
import dev.kpam.server.db.Database;
import dev.kpam.testing.TestClock;
import dev.kpam.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class LoginThrottleTest {
  private static final String ALICE_HOME = "192.0.2.10";
  private static final String ATTACKER = "198.51.100.66";

  private final Backend backend;
  private final TestClock clock = TestClock.startingNow();
  private TestPostgres.Schema schema;
  private Database db;
  private LoginThrottle throttle;

  LoginThrottleTest(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void openDatabase() throws Exception {
    String url;
    if (backend == Backend.POSTGRESQL) {
      schema = TestPostgres.freshSchema();
      url = schema.jdbcUrl();
    } else {
      Path dir = Files.createTempDirectory("kpam-throttle-test");
      url = "jdbc:sqlite:" + dir.resolve("kpam.db");
    }
    db = Database.open(url);
    throttle = new LoginThrottle(db, clock);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void fiftyParallelGuessesNeverGetMoreThanTheFreeAttempts() throws Exception {
    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Duration>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return throttle.admit("alice", ATTACKER);
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Duration> answer : answers) {
        if (answer.get(60, TimeUnit.SECONDS).isZero()) {
          admitted++;
        }
      }
      assertThat(admitted).isEqualTo(LoginThrottle.PER_NAME_AND_ADDRESS.freeAttempts());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fiftyParallelGuessesForManyNamesFromOneAddressNeverPassTheAddressLimit() throws Exception {
    LoginThrottle strict =
        new LoginThrottle(
            db,
            clock,
            LoginThrottle.PER_NAME_AND_ADDRESS,
            new LoginThrottle.Limit(10, Duration.ofSeconds(15), Duration.ofMinutes(15)));
    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Duration>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String name = "user" + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return strict.admit(name, ATTACKER);
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Duration> answer : answers) {
        if (answer.get(60, TimeUnit.SECONDS).isZero()) {
          admitted++;
        }
      }
      assertThat(admitted).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAttackerGuessingFromOneAddressDoesNotLockTheUserOutOfAnother() {
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(15));
      assertThat(throttle.admit("alice", ATTACKER)).isZero();
    }
    assertThat(throttle.admit("alice", ATTACKER)).isPositive();
    assertThat(throttle.admit("alice", ALICE_HOME)).isZero();
  }

  @Test
  void theWaitDoublesWithEachFailureUpToFifteenMinutes() {
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.admit("alice", ATTACKER)).isZero();
    }
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Duration wait = throttle.admit("alice", ATTACKER);
      waits.add(wait.toSeconds());
      clock.advance(wait);
      assertThat(throttle.admit("alice", ATTACKER)).isZero();
    }
    assertThat(waits).containsExactly(15L, 30L, 60L, 120L, 240L, 480L, 900L, 900L);
  }

  @Test
  void aWaitingAttemptIsNotCounted() {
    for (int i = 0; i < 5; i++) {
      throttle.admit("alice", ATTACKER);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.admit("alice", ATTACKER)).hasSeconds(15);
    }
    clock.advance(Duration.ofSeconds(15));
    assertThat(throttle.admit("alice", ATTACKER)).isZero();
    assertThat(throttle.admit("alice", ATTACKER)).hasSeconds(30);
  }

  @Test
  void aSuccessClearsThePairsCounter() {
    for (int i = 0; i < 4; i++) {
      throttle.admit("alice", ALICE_HOME);
    }
    throttle.succeeded("alice", ALICE_HOME);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.admit("alice", ALICE_HOME)).isZero();
    }
    assertThat(throttle.admit("alice", ALICE_HOME)).isPositive();
  }

  @Test
  void oldCountersArePrunedAndQuietOnesStartAgain() {
    for (int i = 0; i < 5; i++) {
      throttle.admit("alice", ATTACKER);
      throttle.admit("bob", ALICE_HOME);
    }
    assertThat(rows()).isEqualTo(4);
    clock.advance(LoginThrottle.FORGET_AFTER.plusMinutes(1));
    // A write prunes what went quiet (here: everything) before counting itself.
    assertThat(throttle.admit("carol", ALICE_HOME)).isZero();
    assertThat(rows()).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.admit("alice", ATTACKER)).isZero();
    }
  }

  private long rows() {
    return db.jdbi()
        .withHandle(
            h -> h.createQuery("SELECT COUNT(*) FROM login_throttle").mapTo(Long.class).one());
  }
}
