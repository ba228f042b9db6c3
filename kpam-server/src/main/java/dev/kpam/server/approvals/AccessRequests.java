package dev.kpam.server.approvals;

import static dev.kpam.protocol.approvals.AccessRequestView.APPROVED;
import static dev.kpam.protocol.approvals.AccessRequestView.CANCELLED;
import static dev.kpam.protocol.approvals.AccessRequestView.DENIED;
import static dev.kpam.protocol.approvals.AccessRequestView.EXPIRED;
import static dev.kpam.protocol.approvals.AccessRequestView.PENDING;

import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.approvals.AccessRequestView;
import dev.kpam.protocol.approvals.AccessReview;
import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.protocol.approvals.CreateAccessRequest;
import dev.kpam.server.Ids;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests.Page;
import dev.kpam.server.identity.GroupGrants;
import dev.kpam.server.notify.Notifications;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.sessions.AccessDuration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Access requests: a user asks for a time-boxed session on an account that requires approval;
 * approvers (never the requester) approve or deny; the requester may cancel. PENDING ends in
 * APPROVED (enough approvals), DENIED (one denial), CANCELLED or EXPIRED (no decision within the
 * account's request timeout). An approved request allows sessions until its access window closes,
 * then EXPIRED; denying or cancelling it ends its open sessions ({@link Revocations}). Every state
 * change is a conditional UPDATE of the request's row, so racing approvers and replicas change it
 * once, and each is audited and notified in its own transaction.
 *
 * <pre>{@code
 * AccessRequestView r = requests.create(bob, new CreateAccessRequest("prod", "admin", "1h", "incident 42"));
 * requests.approve(carol, r.id(), "go ahead");
 * }</pre>
 */
public final class AccessRequests {
  private static final int MAX_TEXT = 1000;

  private final Database db;
  private final Accounts accounts;
  private final Revocations revocations;
  private final Notifications notifications;
  private final AuditLog audit;
  private final Clock clock;
  private final Ids ids;

  public AccessRequests(
      Database db,
      Accounts accounts,
      Revocations revocations,
      Notifications notifications,
      AuditLog audit,
      Clock clock,
      Ids ids) {
    this.db = db;
    this.accounts = accounts;
    this.revocations = revocations;
    this.notifications = notifications;
    this.audit = audit;
    this.clock = clock;
    this.ids = ids;
  }

  public AccessRequestView create(Principal principal, CreateAccessRequest request) {
    if (request.resource() == null || request.resource().isBlank()) {
      throw ApiException.invalid("resource", "missing", "the name of a resource");
    }
    if (request.account() == null || request.account().isBlank()) {
      throw ApiException.invalid("account", "missing", "the name of an account");
    }
    Accounts.Stored account = usable(principal, request.resource(), request.account());
    AccessRules rules = account.access();
    String name = account.resourceName() + "/" + account.name();
    if (!rules.requiresApproval()) {
      throw ApiException.conflict(
          "account " + name + " does not require approval: open a session with kpam k8s access");
    }
    Duration duration =
        AccessDuration.of(request.duration(), account.maxSession(), "the account's maximum");
    String reason = text("reason", request.reason());
    if (reason == null) {
      throw ApiException.invalid("reason", "missing", "why you need the access, for the approvers");
    }
    String id = ids.next();
    Instant now = clock.instant();
    db.jdbi()
        .useTransaction(
            h -> {
              int eligible = eligibleApprovers(h, rules, principal.name());
              if (eligible < rules.approvalsNeeded()) {
                throw ApiException.conflict(
                    "a request for "
                        + name
                        + " cannot be approved: it needs "
                        + rules.approvalsNeeded()
                        + " approval(s) by "
                        + AccountAccess.approverText(rules)
                        + " other than you, and there "
                        + (eligible == 1 ? "is 1" : "are " + eligible));
              }
              Optional<String> pending =
                  h.createQuery(
                          "SELECT id FROM access_requests WHERE user_id = :u AND account_id = :a"
                              + " AND status = 'PENDING'")
                      .bind("u", principal.userId())
                      .bind("a", account.id())
                      .mapTo(String.class)
                      .findFirst();
              if (pending.isPresent()) {
                throw ApiException.conflict(
                    "you already have request "
                        + pending.get()
                        + " for "
                        + name
                        + " waiting for approval (kpam requests cancel "
                        + pending.get()
                        + " to withdraw it)");
              }
              h.createUpdate(
                      "INSERT INTO access_requests (id, user_id, user_name, account_id,"
                          + " resource_name, account_name, duration_seconds, reason, status,"
                          + " created_at, pending_until) VALUES (:id, :u, :un, :a, :rn, :an, :d,"
                          + " :reason, 'PENDING', :t, :until)")
                  .bind("id", id)
                  .bind("u", principal.userId())
                  .bind("un", principal.name())
                  .bind("a", account.id())
                  .bind("rn", account.resourceName())
                  .bind("an", account.name())
                  .bind("d", duration.toSeconds())
                  .bind("reason", reason)
                  .bind("t", now.toEpochMilli())
                  .bind("until", now.plus(AccountAccess.requestTimeout(rules)).toEpochMilli())
                  .execute();
              audit.record(
                  h,
                  principal.actor(),
                  "request.create",
                  "request:" + id,
                  name + " for " + GoDuration.format(duration) + " reason: " + reason);
              Map<String, Object> data = event(id, principal.name(), name);
              data.put("duration", GoDuration.format(duration));
              data.put("reason", reason);
              data.put("approvers", rules.approvers());
              data.put("approvalsNeeded", rules.approvalsNeeded());
              notifications.enqueue(h, "request.created", data, AccountAccess.webhook(rules));
            });
    return get(principal, id);
  }

  /** Filters of {@link #list}; null or false means any. */
  public record Filter(boolean mine, String status, String resource, String account) {}

  /**
   * Pending first, then newest first. Admins see every request; members their own and those they
   * are named to approve; with {@code mine} only their own.
   */
  public List<AccessRequestView> list(Principal principal, Filter filter, Page page) {
    String status = filter.status() == null ? null : filter.status().toUpperCase(Locale.ROOT);
    if (status != null
        && !List.of(PENDING, APPROVED, DENIED, CANCELLED, EXPIRED).contains(status)) {
      throw ApiException.invalid(
          "status", filter.status(), "PENDING, APPROVED, DENIED, CANCELLED or EXPIRED");
    }
    StringBuilder sql = new StringBuilder("SELECT * FROM access_requests q WHERE 1=1");
    if (filter.mine()) {
      sql.append(" AND q.user_id = :me");
    } else if (!principal.isAdmin()) {
      sql.append(" AND (q.user_id = :me OR q.account_id IN (<approving>))");
    }
    if (status != null) sql.append(" AND q.status = :status");
    if (filter.resource() != null) sql.append(" AND q.resource_name = :resource");
    if (filter.account() != null) sql.append(" AND q.account_name = :account");
    sql.append(
        " ORDER BY CASE WHEN q.status = 'PENDING' THEN 0 ELSE 1 END, q.created_at DESC, q.id"
            + " LIMIT :limit OFFSET :offset");
    return db.jdbi()
        .withHandle(
            h -> {
              var query =
                  h.createQuery(sql.toString())
                      .bind("me", principal.userId())
                      .bind("status", status)
                      .bind("resource", filter.resource())
                      .bind("account", filter.account())
                      .bind("limit", page.limit())
                      .bind("offset", page.offset());
              if (!filter.mine() && !principal.isAdmin()) {
                List<String> approving = approving(principal);
                query.bindList("approving", approving.isEmpty() ? List.of("") : approving);
              }
              return query.map((rs, c) -> row(rs)).list().stream().map(r -> view(h, r)).toList();
            });
  }

  /** The request if the caller made it, may decide it, or is an admin; 404 otherwise. */
  public AccessRequestView get(Principal principal, String id) {
    Row row = visible(principal, id);
    return db.jdbi().withHandle(h -> view(h, row));
  }

  /** One approval; the request is APPROVED when it has enough. */
  public AccessRequestView approve(Principal principal, String id, String comment) {
    return review(principal, id, APPROVED, text("comment", comment));
  }

  /** A denial: a pending request is DENIED at once, an approved one revoked with its sessions. */
  public AccessRequestView deny(Principal principal, String id, String comment) {
    return review(principal, id, DENIED, text("comment", comment));
  }

  /** The requester withdraws a pending or approved request; its open sessions end. */
  public AccessRequestView cancel(Principal principal, String id, String comment) {
    Row row = visible(principal, id);
    if (!row.userId().equals(principal.userId())) {
      throw ApiException.forbidden(
          "only " + row.user() + " may cancel request " + id + " (approvers deny it)");
    }
    String text = text("comment", comment);
    decide(row, List.of(PENDING, APPROVED), CANCELLED, principal.actor(), text, h -> {});
    return get(principal, id);
  }

  private AccessRequestView review(
      Principal principal, String id, String decision, String comment) {
    Row row = visible(principal, id);
    if (row.userId().equals(principal.userId())) {
      throw ApiException.forbidden(
          "nobody approves or denies their own request"
              + (decision.equals(DENIED)
                  ? ": cancel it instead (kpam requests cancel " + id + ")"
                  : ""));
    }
    AccessRules rules = rules(row);
    boolean approver = mayDecide(principal, rules);
    // An admin may always deny: taking access away must never wait for the named approvers.
    if (!approver && !(decision.equals(DENIED) && principal.isAdmin())) {
      throw ApiException.forbidden(
          "only "
              + AccountAccess.approverText(rules)
              + " may "
              + (decision.equals(APPROVED) ? "approve" : "deny")
              + " requests for "
              + row.accountName());
    }
    if (decision.equals(DENIED)) {
      decide(
          row,
          List.of(PENDING, APPROVED),
          DENIED,
          principal.actor(),
          comment,
          h -> {
            // A denial replaces the reviewer's earlier approval, so the reviews say what they
            // decided.
            h.createUpdate("DELETE FROM access_reviews WHERE request_id = :id AND reviewer = :by")
                .bind("id", id)
                .bind("by", principal.name())
                .execute();
            insertReview(h, id, principal.name(), DENIED, comment);
          });
      return get(principal, id);
    }
    db.jdbi()
        .useTransaction(
            h -> {
              lockPending(h, row);
              if (!insertReview(h, id, principal.name(), APPROVED, comment)) {
                throw ApiException.conflict("you already approved request " + id);
              }
              long approvals =
                  h.createQuery(
                          "SELECT COUNT(*) FROM access_reviews WHERE request_id = :id"
                              + " AND decision = 'APPROVED'")
                      .bind("id", id)
                      .mapTo(Long.class)
                      .one();
              audit.record(
                  h,
                  principal.actor(),
                  "request.approve",
                  "request:" + id,
                  approvals + " of " + rules.approvalsNeeded() + comment(comment));
              if (approvals < rules.approvalsNeeded()) {
                return;
              }
              Instant now = clock.instant();
              h.createUpdate(
                      "UPDATE access_requests SET status = 'APPROVED', approved_at = :t,"
                          + " access_until = :until, decided_at = :t, decided_by = :by,"
                          + " decision_comment = :comment WHERE id = :id AND status = 'PENDING'")
                  .bind("t", now.toEpochMilli())
                  .bind("until", now.plusSeconds(row.durationSeconds()).toEpochMilli())
                  .bind("by", principal.name())
                  .bind("comment", comment)
                  .bind("id", id)
                  .execute();
              notifyDecision(h, row, APPROVED, principal.name(), comment);
            });
    return get(principal, id);
  }

  /**
   * {@code from} → {@code to} once, with {@code also} in the same transaction; 409 naming the
   * current status when the request is not in {@code from} any more.
   */
  private void decide(
      Row row,
      List<String> from,
      String to,
      Actor actor,
      String comment,
      java.util.function.Consumer<Handle> also) {
    boolean revoked =
        db.jdbi()
            .inTransaction(
                h -> {
                  int changed =
                      h.createUpdate(
                              "UPDATE access_requests SET status = :to, decided_at = :t,"
                                  + " decided_by = :by, decision_comment = :comment"
                                  + " WHERE id = :id AND status IN (<from>)")
                          .bind("to", to)
                          .bind("t", clock.millis())
                          .bind("by", actor.name())
                          .bind("comment", comment)
                          .bind("id", row.id())
                          .bindList("from", from)
                          .execute();
                  if (changed == 0) {
                    throw ApiException.conflict(
                        "request " + row.id() + " is already " + status(h, row.id()));
                  }
                  also.accept(h);
                  String verb = to.equals(DENIED) ? "deny" : "cancel";
                  audit.record(h, actor, "request." + verb, "request:" + row.id(), comment);
                  notifyDecision(h, row, to, actor.name(), comment);
                  String change =
                      "request " + row.id() + (to.equals(DENIED) ? " denied" : " cancelled");
                  return !revocations.revoke(h, actor, Scope.request(row.id()), change).isEmpty();
                });
    if (revoked) {
      revocations.committed();
    }
  }

  /**
   * Marks pending requests past their timeout and approved ones past their window EXPIRED; returns
   * how many it marked.
   */
  public int expireDue() {
    long now = clock.millis();
    List<Row> due =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT * FROM access_requests WHERE (status = 'PENDING' AND"
                                + " pending_until <= :now) OR (status = 'APPROVED' AND"
                                + " access_until <= :now)")
                        .bind("now", now)
                        .map((rs, c) -> row(rs))
                        .list());
    int expired = 0;
    for (Row row : due) {
      String why =
          row.status().equals(PENDING)
              ? "no decision within "
                  + GoDuration.format(Duration.ofMillis(row.pendingUntil() - row.createdAt()))
              : "its access window closed";
      boolean changed =
          db.jdbi()
              .inTransaction(
                  h -> {
                    int updated =
                        h.createUpdate(
                                "UPDATE access_requests SET status = 'EXPIRED', decided_at = :t,"
                                    + " decision_comment = :why WHERE id = :id AND status = :was")
                            .bind("t", now)
                            .bind("why", why)
                            .bind("id", row.id())
                            .bind("was", row.status())
                            .execute();
                    if (updated == 0) return false;
                    audit.record(h, Actor.SYSTEM, "request.expire", "request:" + row.id(), why);
                    notifyDecision(h, row, EXPIRED, Actor.SYSTEM.name(), why);
                    revocations.revoke(
                        h,
                        Actor.SYSTEM,
                        Scope.request(row.id()),
                        "request " + row.id() + " expired");
                    return true;
                  });
      if (changed) expired++;
    }
    if (expired > 0) revocations.committed();
    return expired;
  }

  // ---- sessions

  /**
   * What lets {@code principal} open a session on {@code account} now: nothing when the account
   * does not require approval; else break-glass where allowed, the named approved request, or the
   * caller's open approved request for the account. 403 {@code approval_required} (with how to ask)
   * when there is none, 403 {@code forbidden} for a request that does not allow it.
   */
  public Admission admit(
      Principal principal,
      Accounts.Stored account,
      String requestId,
      boolean breakGlass,
      String reason) {
    AccessRules rules = account.access();
    String name = account.resourceName() + "/" + account.name();
    Instant now = clock.instant();
    if (breakGlass) {
      if (!rules.breakGlass()) {
        throw ApiException.forbidden("account " + name + " does not allow break-glass access");
      }
      if (reason == null || reason.isBlank()) {
        throw ApiException.invalid(
            "reason", "missing", "why you break the glass (it is sent to the approvers at once)");
      }
      Duration max = AccountAccess.breakGlassMax(rules);
      return max.compareTo(account.maxSession()) < 0
          ? new Admission(null, true, max, "the account's break-glass maximum")
          : new Admission(null, true, account.maxSession(), "the account's maximum");
    }
    Row approved;
    if (requestId != null && !requestId.isBlank()) {
      approved = visible(principal, requestId);
      if (!approved.userId().equals(principal.userId())) {
        throw ApiException.forbidden(
            "request " + requestId + " is " + approved.user() + "'s, not yours");
      }
      if (!approved.accountId().equals(account.id())) {
        throw ApiException.invalid(
            "request",
            requestId,
            "a request for "
                + name
                + " (it is for "
                + approved.resourceName()
                + "/"
                + approved.accountName()
                + ")");
      }
      if (!approved.status().equals(APPROVED) || approved.accessUntil() <= now.toEpochMilli()) {
        throw ApiException.forbidden("request " + requestId + " " + unusable(approved, rules));
      }
    } else if (rules.requiresApproval()) {
      approved =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT * FROM access_requests WHERE user_id = :u AND account_id = :a"
                                  + " AND status = 'APPROVED' AND access_until > :now"
                                  + " ORDER BY access_until DESC")
                          .bind("u", principal.userId())
                          .bind("a", account.id())
                          .bind("now", now.toEpochMilli())
                          .map((rs, c) -> row(rs))
                          .findFirst())
              .orElseThrow(() -> approvalRequired(principal, account, rules));
    } else {
      return new Admission(null, false, account.maxSession(), "the account's maximum");
    }
    Duration left = Duration.ofMillis(approved.accessUntil() - now.toEpochMilli());
    return left.compareTo(account.maxSession()) < 0
        ? new Admission(approved.id(), false, left, "what is left of request " + approved.id())
        : new Admission(approved.id(), false, account.maxSession(), "the account's maximum");
  }

  /**
   * How a session may open: under {@code requestId} (null: none), by {@code breakGlass}, for at
   * most {@code max}, which {@code limit} names for error messages ("the account's maximum").
   */
  public record Admission(String requestId, boolean breakGlass, Duration max, String limit) {}

  /** In the session's transaction: break-glass is audited and notified at once. */
  public void opened(
      Handle h,
      Admission admission,
      Principal principal,
      Accounts.Stored account,
      String sessionId,
      Duration duration,
      String reason) {
    if (!admission.breakGlass()) {
      return;
    }
    String name = account.resourceName() + "/" + account.name();
    audit.record(
        h,
        principal.actor(),
        "session.break-glass",
        "session:" + sessionId,
        "BREAK-GLASS " + name + " for " + GoDuration.format(duration) + " reason: " + reason);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("session", sessionId);
    data.put("user", principal.name());
    data.put("account", name);
    data.put("duration", GoDuration.format(duration));
    data.put("reason", reason);
    notifications.enqueue(h, "break-glass.used", data, AccountAccess.webhook(account.access()));
  }

  private ApiException approvalRequired(
      Principal principal, Accounts.Stored account, AccessRules rules) {
    String name = account.resourceName() + "/" + account.name();
    Optional<String> pending =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id FROM access_requests WHERE user_id = :u AND account_id = :a"
                                + " AND status = 'PENDING'")
                        .bind("u", principal.userId())
                        .bind("a", account.id())
                        .mapTo(String.class)
                        .findFirst());
    String how =
        pending
            .map(
                id ->
                    "your request "
                        + id
                        + " is waiting for approval by "
                        + AccountAccess.approverText(rules))
            .orElse(
                "ask with kpam requests create --resource "
                    + account.resourceName()
                    + " --account "
                    + account.name()
                    + " --reason TEXT");
    return new ApiException(
        403,
        "approval_required",
        "account "
            + name
            + " requires approval by "
            + AccountAccess.approverText(rules)
            + ": "
            + how
            + (rules.breakGlass() ? " (or break the glass: --break-glass --reason TEXT)" : ""));
  }

  private static String unusable(Row row, AccessRules rules) {
    return switch (row.status()) {
      case PENDING -> "is waiting for approval by " + AccountAccess.approverText(rules);
      case APPROVED -> "has expired: its access window closed";
      case DENIED -> "was denied by " + row.decidedBy() + comment(row.comment());
      case CANCELLED -> "was cancelled";
      default -> "has expired" + comment(row.comment());
    };
  }

  // ---- helpers

  private Accounts.Stored usable(Principal principal, String resource, String name) {
    Accounts.Stored account;
    try {
      account = accounts.stored(resource, name);
    } catch (ApiException e) {
      account = null;
    }
    if (account == null || !accounts.mayUse(principal, account.id())) {
      throw ApiException.notFound(
          "no account '" + name + "' on resource '" + resource + "' that you may use");
    }
    return account;
  }

  /** The account's rules as they stand; a deleted account's request can no longer be decided. */
  private AccessRules rules(Row row) {
    try {
      return accounts.storedById(row.accountId()).access();
    } catch (ApiException e) {
      throw ApiException.conflict(
          "the account of request " + row.id() + " (" + row.accountName() + ") was deleted");
    }
  }

  /** How approver lists name {@code principal}: their name and group:NAME per group of theirs. */
  public Set<String> approverNames(Principal principal) {
    return db.jdbi()
        .withHandle(h -> GroupGrants.entriesOf(h, principal.userId(), principal.name()));
  }

  /** Named approvers decide (by name or through a group:NAME); where none are named, admins. */
  private boolean mayDecide(Principal principal, AccessRules rules) {
    if (rules.approvers().isEmpty()) {
      return principal.isAdmin();
    }
    Set<String> me = approverNames(principal);
    return rules.approvers().stream().anyMatch(me::contains);
  }

  /**
   * Approvers other than the requester who could decide: enabled users named or in a named group,
   * or enabled admins where none are named.
   */
  private static int eligibleApprovers(Handle h, AccessRules rules, String requester) {
    if (rules.approvers().isEmpty()) {
      return h.createQuery(
              "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled AND name <> :me")
          .bind("me", requester)
          .mapTo(Integer.class)
          .one();
    }
    List<String> names = new ArrayList<>(List.of(""));
    List<String> groups = new ArrayList<>(List.of(""));
    for (String approver : rules.approvers()) {
      String group = GroupGrants.groupOf(approver);
      (group == null ? names : groups).add(group == null ? approver : group);
    }
    return h.createQuery(
            "SELECT COUNT(*) FROM users u WHERE NOT u.disabled AND u.name <> :me AND (u.name IN"
                + " (<names>) OR EXISTS (SELECT 1 FROM user_groups ug WHERE ug.user_id = u.id"
                + " AND ug.group_name IN (<groups>)))")
        .bind("me", requester)
        .bindList("names", names)
        .bindList("groups", groups)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Ids of the accounts whose rules name {@code principal} as an approver, or a group of theirs.
   */
  private List<String> approving(Principal principal) {
    return db.jdbi()
        .withHandle(
            h -> {
              Set<String> me = GroupGrants.entriesOf(h, principal.userId(), principal.name());
              return h
                  .createQuery(
                      "SELECT id, access_rules FROM accounts WHERE access_rules IS NOT NULL")
                  .map(
                      (rs, c) ->
                          AccountAccess.parse(rs.getString("access_rules")).approvers().stream()
                                  .anyMatch(me::contains)
                              ? rs.getString("id")
                              : null)
                  .list()
                  .stream()
                  .filter(java.util.Objects::nonNull)
                  .toList();
            });
  }

  private Row visible(Principal principal, String id) {
    Optional<Row> row =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT * FROM access_requests WHERE id = :id")
                        .bind("id", id)
                        .map((rs, c) -> row(rs))
                        .findOne());
    if (row.isEmpty()
        || !(principal.isAdmin()
            || row.get().userId().equals(principal.userId())
            || approving(principal).contains(row.get().accountId()))) {
      throw ApiException.notFound("request '" + id + "' not found");
    }
    return row.get();
  }

  /**
   * Takes the request row's lock (a no-op UPDATE), so that approvals counted after it see every
   * earlier one on PostgreSQL too; 409 when the request is no longer pending.
   */
  private void lockPending(Handle h, Row row) {
    int locked =
        h.createUpdate(
                "UPDATE access_requests SET status = status WHERE id = :id AND status = 'PENDING'")
            .bind("id", row.id())
            .execute();
    if (locked == 0) {
      throw ApiException.conflict("request " + row.id() + " is already " + status(h, row.id()));
    }
  }

  private boolean insertReview(
      Handle h, String id, String reviewer, String decision, String comment) {
    return h.createUpdate(
                "INSERT INTO access_reviews (request_id, reviewer, decision, comment, created_at)"
                    + " VALUES (:id, :by, :d, :c, :t) ON CONFLICT (request_id, reviewer) DO NOTHING")
            .bind("id", id)
            .bind("by", reviewer)
            .bind("d", decision)
            .bind("c", comment)
            .bind("t", clock.millis())
            .execute()
        > 0;
  }

  private void notifyDecision(Handle h, Row row, String status, String by, String comment) {
    Map<String, Object> data =
        event(row.id(), row.user(), row.resourceName() + "/" + row.accountName());
    data.put("status", status);
    data.put("by", by);
    data.put("comment", comment);
    notifications.enqueue(h, "request.decided", data, webhook(row));
  }

  /** The webhook of the request's account, if it has one and still exists. */
  private Notifications.Target webhook(Row row) {
    try {
      return AccountAccess.webhook(accounts.storedById(row.accountId()).access());
    } catch (ApiException deleted) {
      return null;
    }
  }

  private static Map<String, Object> event(String id, String user, String account) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("request", id);
    data.put("user", user);
    data.put("account", account);
    return data;
  }

  private static String status(Handle h, String id) {
    return h.createQuery("SELECT status FROM access_requests WHERE id = :id")
        .bind("id", id)
        .mapTo(String.class)
        .one();
  }

  private static String comment(String comment) {
    return comment == null ? "" : ": " + comment;
  }

  private static String text(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (text.length() > MAX_TEXT) {
      throw ApiException.invalid(field, text.length() + " characters", "at most " + MAX_TEXT);
    }
    return text.trim();
  }

  private record Row(
      String id,
      String userId,
      String user,
      String accountId,
      String resourceName,
      String accountName,
      long durationSeconds,
      String reason,
      String status,
      long createdAt,
      long pendingUntil,
      Long approvedAt,
      Long accessUntil,
      Long decidedAt,
      String decidedBy,
      String comment) {}

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("user_id"),
        rs.getString("user_name"),
        rs.getString("account_id"),
        rs.getString("resource_name"),
        rs.getString("account_name"),
        rs.getLong("duration_seconds"),
        rs.getString("reason"),
        rs.getString("status"),
        rs.getLong("created_at"),
        rs.getLong("pending_until"),
        nullableLong(rs, "approved_at"),
        nullableLong(rs, "access_until"),
        nullableLong(rs, "decided_at"),
        rs.getString("decided_by"),
        rs.getString("decision_comment"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private AccessRequestView view(Handle h, Row row) {
    AccessRules rules;
    try {
      rules = accounts.storedById(row.accountId()).access();
    } catch (ApiException deleted) {
      rules = AccountAccess.DEFAULT;
    }
    List<AccessReview> reviews =
        h.createQuery(
                "SELECT reviewer, decision, comment, created_at FROM access_reviews"
                    + " WHERE request_id = :id ORDER BY created_at, reviewer")
            .bind("id", row.id())
            .map(
                (rs, c) ->
                    new AccessReview(
                        rs.getString("reviewer"),
                        rs.getString("decision"),
                        rs.getString("comment"),
                        Millis.instant(rs.getLong("created_at"))))
            .list();
    return new AccessRequestView(
        row.id(),
        row.user(),
        row.resourceName(),
        row.accountName(),
        GoDuration.format(Duration.ofSeconds(row.durationSeconds())),
        row.reason(),
        row.status(),
        rules.approvers(),
        rules.approvalsNeeded(),
        reviews,
        Millis.instant(row.createdAt()),
        Millis.instant(row.pendingUntil()),
        row.approvedAt() == null ? null : Millis.instant(row.approvedAt()),
        row.accessUntil() == null ? null : Millis.instant(row.accessUntil()),
        row.decidedAt() == null ? null : Millis.instant(row.decidedAt()),
        row.decidedBy(),
        row.comment());
  }
}
