package dev.kpam.server.gateways;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.server.db.Database;
import dev.kpam.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push channel's table does not grow forever: events older than a day go, newer ones stay. */
class GatewayEventsPruneTest {
  @TempDir Path dir;

  @Test
  void eventsOlderThanADayArePrunedAndASecondRunFindsNothing() {
    TestClock clock = TestClock.startingNow();
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("kpam.db"));
        GatewayEvents events = new GatewayEvents(db, clock, new ObjectMapper())) {
      insert(db, clock.millis());
      clock.advance(Duration.ofHours(20));
      insert(db, clock.millis());
      clock.advance(Duration.ofHours(5));

      assertThat(events.prune()).isEqualTo(1);
      assertThat(events.prune()).isZero(); // another replica's run
      int left =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT COUNT(*) FROM gateway_events")
                          .mapTo(Integer.class)
                          .one());
      assertThat(left).isEqualTo(1);
    }
  }

  private static void insert(Database db, long time) {
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO gateway_events (gateway_id, type, session_id, event_time)"
                            + " VALUES ('g1', 'session.terminated', 's1', :t)")
                    .bind("t", time)
                    .execute());
  }
}
