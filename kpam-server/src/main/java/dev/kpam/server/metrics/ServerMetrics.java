package dev.kpam.server.metrics;

import dev.kpam.server.db.Database;
import dev.kpam.transport.ops.ProcessMetrics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's metrics (docs/OPERATIONS.md). What the database knows is read from it at scrape time
 * (at most every 5 s), so that every replica reports the same: sessions active, started and ended
 * by how they ended, sign-in failures by cause (from the audit log), the notification outbox's
 * backlog. Requests the gateway refuses are the gateway's {@code kpam_gateway_refusals_total}. Per
 * replica: HTTP requests by method, route and status with their durations, and the JVM.
 */
public final class ServerMetrics implements AutoCloseable {
  private static final Duration FRESH = Duration.ofSeconds(5);
  private static final String START = "kpam.metrics.start";

  /** Audit actions counted as sign-in failures and denials, by the cause they name. */
  private static final Map<String, String> LOGIN_FAILURES =
      Map.of(
          "auth.login.failed", "wrong_password",
          "auth.login.throttled", "throttled",
          "auth.login.refused", "password_sign_in_off",
          "auth.sso.failed", "sso",
          "mfa.failed", "second_factor",
          "mfa.throttled", "second_factor_throttled");

  private final ProcessMetrics metrics = ProcessMetrics.of("server");
  private final Database db;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(long atNanos, double value) {}

  public ServerMetrics(Database db) {
    this.db = db;
    MeterRegistry registry = metrics.registry();
    Gauge.builder(
            "kpam.sessions.active",
            this,
            m -> m.count("SELECT COUNT(*) FROM sessions WHERE status = 'ACTIVE'"))
        .description("Sessions open now (all replicas)")
        .register(registry);
    FunctionCounter.builder(
            "kpam.sessions.started", this, m -> m.count("SELECT COUNT(*) FROM sessions"))
        .description("Sessions ever opened (all replicas)")
        .register(registry);
    for (String status : List.of("ENDED", "TERMINATED", "EXPIRED")) {
      FunctionCounter.builder(
              "kpam.sessions.ended",
              this,
              m -> m.count("SELECT COUNT(*) FROM sessions WHERE status = '" + status + "'"))
          .description("Sessions over, by how they ended (all replicas)")
          .tag("reason", status.toLowerCase(Locale.ROOT))
          .register(registry);
    }
    LOGIN_FAILURES.forEach(
        (action, cause) ->
            FunctionCounter.builder(
                    "kpam.login.failures",
                    this,
                    m ->
                        m.count(
                            "SELECT COUNT(*) FROM audit_events WHERE action = '" + action + "'"))
                .description("Refused sign-ins and second factors, by cause (all replicas)")
                .tag("cause", cause)
                .register(registry));
    Gauge.builder(
            "kpam.notifications.backlog",
            this,
            m ->
                m.count(
                    "SELECT COUNT(*) FROM notifications WHERE delivered_at IS NULL"
                        + " AND given_up_at IS NULL"))
        .description("Notifications not yet delivered to their webhook")
        .register(registry);
  }

  /** Times every HTTP request of {@code app} by method, route template and status. */
  public void install(Javalin app) {
    MeterRegistry registry = metrics.registry();
    app.before(ctx -> ctx.attribute(START, System.nanoTime()));
    app.after(
        ctx -> {
          Long start = ctx.attribute(START);
          if (start == null) {
            return;
          }
          String route = ctx.endpointHandlerPath();
          Timer.builder("kpam.http.server.requests")
              .description("HTTP requests the server answered")
              .tag("method", ctx.method().name())
              .tag(
                  "route",
                  route == null || route.isEmpty() || route.equals("*") ? "unmatched" : route)
              .tag("status", Integer.toString(ctx.statusCode()))
              .register(registry)
              .record(Duration.ofNanos(System.nanoTime() - start));
        });
  }

  public ProcessMetrics process() {
    return metrics;
  }

  /** Whether the database answers, for readiness. */
  public boolean databaseReachable() {
    try {
      return db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private double count(String sql) {
    Cached cached = cache.get(sql);
    long now = System.nanoTime();
    if (cached != null && now - cached.atNanos() < FRESH.toNanos()) {
      return cached.value();
    }
    double value;
    try {
      value = db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    } catch (RuntimeException e) {
      value = cached == null ? Double.NaN : cached.value();
    }
    cache.put(sql, new Cached(now, value));
    return value;
  }

  @Override
  public void close() {
    metrics.close();
  }
}
