package dev.kpam.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.policy.KubeRequest;
import dev.kpam.protocol.policy.PolicyDecision;
import dev.kpam.protocol.policy.WhatIfGroup;
import dev.kpam.protocol.policy.WhatIfReport;
import dev.kpam.protocol.policy.WhatIfRequest;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What-if: replays an account's recorded requests (the {@code request} events its gateways
 * uploaded, with the request info the gateway parsed) against a draft policy, exactly as the
 * gateway would decide them, and groups the outcome by user and kubectl command.
 *
 * <pre>{@code
 * WhatIfReport report = whatIf.replay("prod", "admin", new WhatIfRequest(null, "read-only", "7d"));
 * }</pre>
 */
public final class WhatIf {
  /** The newest this many requests are replayed; the report says when there were more. */
  static final int MAX_REQUESTS = 100_000;

  private static final Duration DEFAULT_SINCE = Duration.ofDays(7);
  private static final Duration MAX_SINCE = Duration.ofDays(90);

  private final Database db;
  private final Accounts accounts;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public WhatIf(Database db, Accounts accounts, Clock clock) {
    this.db = db;
    this.accounts = accounts;
    this.clock = clock;
  }

  public WhatIfReport replay(String resource, String account, WhatIfRequest request) {
    Accounts.Stored stored = accounts.stored(resource, account);
    KubePolicy draft = AccountPolicies.draft(request.policy(), request.preset());
    Instant since = clock.instant().minus(since(request.since()));
    String name = resource + "/" + account;
    record Row(String user, String data) {}
    List<Row> rows =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT s.user_name, e.data FROM session_events e JOIN sessions s"
                                + " ON s.id = e.session_id WHERE s.account_id = :a"
                                + " AND s.expires_at >= :since AND e.type = 'request'"
                                + " AND e.event_time >= :since"
                                + " ORDER BY e.event_time DESC LIMIT :limit")
                        .bind("a", stored.id())
                        .bind("since", since.toEpochMilli())
                        .bind("limit", MAX_REQUESTS + 1)
                        .map((rs, c) -> new Row(rs.getString("user_name"), rs.getString("data")))
                        .list());
    boolean truncated = rows.size() > MAX_REQUESTS;
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    Map<List<String>, String> examples = new LinkedHashMap<>();
    long denied = 0;
    for (Row row : rows.subList(0, Math.min(rows.size(), MAX_REQUESTS))) {
      JsonNode data = parse(row.data());
      if (data == null) {
        continue;
      }
      String command = data.path("kubectlCommand").asText("-");
      List<String> key = List.of(row.user(), command.isEmpty() ? "-" : command);
      long[] count = counts.computeIfAbsent(key, k -> new long[2]);
      count[0]++;
      PolicyDecision decision = draft.evaluate(kubeRequest(data), name);
      if (!decision.allowed()) {
        count[1]++;
        denied++;
        examples.putIfAbsent(key, decision.message());
      }
    }
    List<WhatIfGroup> groups = new ArrayList<>();
    counts.forEach(
        (key, count) ->
            groups.add(
                new WhatIfGroup(key.get(0), key.get(1), count[0], count[1], examples.get(key))));
    groups.sort(
        Comparator.comparingLong(WhatIfGroup::denied)
            .reversed()
            .thenComparing(Comparator.comparingLong(WhatIfGroup::requests).reversed())
            .thenComparing(WhatIfGroup::user)
            .thenComparing(WhatIfGroup::command));
    long requests = counts.values().stream().mapToLong(c -> c[0]).sum();
    return new WhatIfReport(
        name, since, sessions(stored.id(), since), requests, denied, groups, truncated);
  }

  private long sessions(String accountId, Instant since) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM sessions WHERE account_id = :a AND expires_at >= :since"
                            + " AND created_at <= :now")
                    .bind("a", accountId)
                    .bind("since", since.toEpochMilli())
                    .bind("now", clock.millis())
                    .mapTo(Long.class)
                    .one());
  }

  private JsonNode parse(String data) {
    try {
      return json.readTree(data);
    } catch (Exception e) {
      return null;
    }
  }

  /** The request as the gateway saw it, from the fields its {@code request} event carries. */
  static KubeRequest kubeRequest(JsonNode data) {
    return new KubeRequest(
        data.path("resourceRequest").asBoolean(false),
        data.path("method").asText("GET"),
        data.path("verb").asText(""),
        text(data, "apiGroup"),
        text(data, "resource"),
        text(data, "subresource"),
        text(data, "namespace"),
        text(data, "name"));
  }

  private static String text(JsonNode data, String field) {
    JsonNode value = data.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  /** {@code 7d} or a Go duration; default 7 days, at most 90. */
  static Duration since(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_SINCE;
    }
    Duration since;
    try {
      since =
          text.matches("\\d{1,3}d")
              ? Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)))
              : GoDuration.parse(text);
    } catch (RuntimeException e) {
      throw ApiException.invalid("since", "'" + text + "'", "a duration such as 7d or 12h");
    }
    if (since.isNegative() || since.isZero() || since.compareTo(MAX_SINCE) > 0) {
      throw ApiException.invalid("since", "'" + text + "'", "more than 0 and at most 90d");
    }
    return since;
  }
}
