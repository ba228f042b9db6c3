package dev.kpam.server.auth.throttle;

import dev.kpam.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * Slows down password guessing without letting anyone lock a user out. Every attempt is counted
 * before its password is checked, against two counters: the (user name, source address) pair and
 * the source address alone. A few attempts are free; after that each failure makes the next attempt
 * wait longer (doubling up to a cap). There is deliberately no counter per user name alone: an
 * attacker guessing alice's password from one address slows down only that address, and alice still
 * signs in from hers.
 *
 * <p>A counter row changes only by a compare-and-set UPDATE inside one transaction for both
 * counters, so parallel guesses on any number of server replicas (PostgreSQL) or connections
 * (SQLite) cannot pass the limit. Counters quiet for {@link #FORGET_AFTER} are pruned on write, at
 * most once per {@link #PRUNE_EVERY} per server.
 *
 * <pre>{@code
 * Duration wait = throttle.admit("alice", "10.0.0.7"); // counts the attempt
 * if (wait.isZero() && passwordMatches) throttle.succeeded("alice", "10.0.0.7");
 * }</pre>
 */
public final class LoginThrottle {
  /** 5 free attempts per user name and source address, then 15 s, 30 s, … up to 15 min. */
  public static final Limit PER_NAME_AND_ADDRESS =
      new Limit(5, Duration.ofSeconds(15), Duration.ofMinutes(15));

  /** 100 free attempts per source address (many users behind one NAT), then the same delays. */
  public static final Limit PER_ADDRESS =
      new Limit(100, Duration.ofSeconds(15), Duration.ofMinutes(15));

  /** A counter without failures for this long starts again from zero and may be pruned. */
  public static final Duration FORGET_AFTER = Duration.ofHours(1);

  static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
  private static final int MAX_RACES = 1000;
  private static final int MAX_NAME = 255;
  private static final int MAX_ADDRESS = 64;

  private final Database db;
  private final Clock clock;
  private final Limit perNameAndAddress;
  private final Limit perAddress;
  private final AtomicLong nextPruneAt = new AtomicLong();

  /**
   * How many attempts are free and how the wait grows after them.
   *
   * @param freeAttempts failures before the first wait
   * @param firstDelay the wait after the last free failure; each further failure doubles it
   * @param maxDelay the longest wait
   */
  public record Limit(int freeAttempts, Duration firstDelay, Duration maxDelay) {
    public Limit {
      if (freeAttempts < 1) {
        throw new IllegalArgumentException(
            "freeAttempts: " + freeAttempts + " (expected: at least 1)");
      }
      if (firstDelay == null || firstDelay.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "firstDelay: " + firstDelay + " (expected: at least 1 s)");
      }
      if (maxDelay == null || maxDelay.compareTo(firstDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay: " + maxDelay + " (expected: at least firstDelay " + firstDelay + ")");
      }
    }

    /** The wait imposed after this many failures in a row. */
    Duration delayAfter(int failures) {
      if (failures < freeAttempts) {
        return Duration.ZERO;
      }
      int doublings = Math.min(failures - freeAttempts, 30);
      long millis = firstDelay.toMillis() << doublings;
      return millis <= 0 || millis > maxDelay.toMillis() ? maxDelay : Duration.ofMillis(millis);
    }
  }

  public LoginThrottle(Database db, Clock clock) {
    this(db, clock, PER_NAME_AND_ADDRESS, PER_ADDRESS);
  }

  public LoginThrottle(Database db, Clock clock, Limit perNameAndAddress, Limit perAddress) {
    this.db = db;
    this.clock = clock;
    this.perNameAndAddress = perNameAndAddress;
    this.perAddress = perAddress;
  }

  /**
   * Counts one login attempt as a failure until {@link #succeeded} says otherwise, and answers
   * {@link Duration#ZERO}; or, while either counter makes the caller wait, counts nothing and
   * answers how long (at least 1 s). The password must be checked only after a zero answer.
   */
  public Duration admit(String username, String sourceAddress) {
    String name = key(username, MAX_NAME);
    String address = key(sourceAddress, MAX_ADDRESS);
    long now = clock.millis();
    pruneIfDue(now);
    try {
      db.jdbi()
          .useTransaction(
              h -> {
                reserve(h, Scope.NAME, address, name, perNameAndAddress, now);
                reserve(h, Scope.ADDRESS, address, "", perAddress, now);
              });
      return Duration.ZERO;
    } catch (Wait wait) {
      // The transaction rolled back: an attempt that must wait counts against neither counter.
      return Duration.ofSeconds(Math.max(1, (wait.millis + 999) / 1000));
    }
  }

  /** The password was right: the pair's counter starts again and the address gets its try back. */
  public void succeeded(String username, String sourceAddress) {
    String name = key(username, MAX_NAME);
    String address = key(sourceAddress, MAX_ADDRESS);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "DELETE FROM login_throttle"
                          + " WHERE scope = :scope AND source_address = :a AND username = :u")
                  .bind("scope", Scope.NAME.column)
                  .bind("a", address)
                  .bind("u", name)
                  .execute();
              h.createUpdate(
                      "UPDATE login_throttle SET failures = failures - 1"
                          + " WHERE scope = :scope AND source_address = :a AND username = ''"
                          + " AND failures > 0")
                  .bind("scope", Scope.ADDRESS.column)
                  .bind("a", address)
                  .execute();
            });
  }

  /** Deletes counters quiet for {@link #FORGET_AFTER} that hold no wait; returns how many. */
  public int prune() {
    long now = clock.millis();
    return db.jdbi()
        .withHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM login_throttle"
                            + " WHERE last_failure_at < :cutoff AND blocked_until <= :now")
                    .bind("cutoff", now - FORGET_AFTER.toMillis())
                    .bind("now", now)
                    .execute());
  }

  private void pruneIfDue(long now) {
    long due = nextPruneAt.get();
    if (now >= due && nextPruneAt.compareAndSet(due, now + PRUNE_EVERY.toMillis())) {
      prune();
    }
  }

  private enum Scope {
    NAME("name"),
    ADDRESS("address");

    final String column;

    Scope(String column) {
      this.column = column;
    }
  }

  private record Counter(int failures, long lastFailureAt, long blockedUntil) {}

  /** Thrown inside the transaction to roll it back when a counter makes the caller wait. */
  private static final class Wait extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long millis;

    Wait(long millis) {
      super(null, null, false, false);
      this.millis = millis;
    }
  }

  private static void reserve(
      Handle h, Scope scope, String address, String name, Limit limit, long now) {
    h.createUpdate(
            "INSERT INTO login_throttle"
                + " (scope, source_address, username, failures, last_failure_at, blocked_until)"
                + " VALUES (:scope, :a, :u, 0, 0, 0)"
                + " ON CONFLICT (scope, source_address, username) DO NOTHING")
        .bind("scope", scope.column)
        .bind("a", address)
        .bind("u", name)
        .execute();
    for (int race = 0; race < MAX_RACES; race++) {
      Counter seen =
          h.createQuery(
                  "SELECT failures, last_failure_at, blocked_until FROM login_throttle"
                      + " WHERE scope = :scope AND source_address = :a AND username = :u")
              .bind("scope", scope.column)
              .bind("a", address)
              .bind("u", name)
              .map(
                  (rs, c) ->
                      new Counter(
                          rs.getInt("failures"),
                          rs.getLong("last_failure_at"),
                          rs.getLong("blocked_until")))
              .one();
      if (seen.blockedUntil() > now) {
        throw new Wait(seen.blockedUntil() - now);
      }
      boolean forgotten = now - seen.lastFailureAt() >= FORGET_AFTER.toMillis();
      int failures = (forgotten ? 0 : seen.failures()) + 1;
      long blockedUntil = now + limit.delayAfter(failures).toMillis();
      int changed =
          h.createUpdate(
                  "UPDATE login_throttle SET failures = :f, last_failure_at = :now,"
                      + " blocked_until = :blocked"
                      + " WHERE scope = :scope AND source_address = :a AND username = :u"
                      + " AND failures = :seenF AND last_failure_at = :seenAt"
                      + " AND blocked_until = :seenBlocked")
              .bind("f", failures)
              .bind("now", now)
              .bind("blocked", blockedUntil)
              .bind("scope", scope.column)
              .bind("a", address)
              .bind("u", name)
              .bind("seenF", seen.failures())
              .bind("seenAt", seen.lastFailureAt())
              .bind("seenBlocked", seen.blockedUntil())
              .execute();
      if (changed == 1) {
        return;
      }
    }
    throw new IllegalStateException(
        "login_throttle: " + MAX_RACES + " lost races on one counter (expected: fewer)");
  }

  private static String key(String value, int max) {
    String trimmed = value == null ? "" : value.trim();
    String nonEmpty = trimmed.isEmpty() ? "-" : trimmed;
    return nonEmpty.length() <= max ? nonEmpty : nonEmpty.substring(0, max);
  }
}
