package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.CertificateRequest;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.protocol.sessions.CreatedSession;
import dev.kpam.protocol.sessions.EventBatchAck;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.server.Ids;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.approvals.AccessRequests;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.ca.InternalCa;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.gateways.GatewayPrincipal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests.Page;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.SessionEnds;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Sessions: opening one (grant and approval check, session certificate valid exactly until expiry),
 * listing, ending, terminating, expiring on time, and the gateway's side (lookup with the decrypted
 * token, event upload).
 *
 * <pre>{@code
 * CreatedSession s = sessions.create(me, new CreateSessionRequest("prod", "admin", "1h", null, csr, null, null, null, null), ip, agent);
 * sessions.terminate(admin, s.session().id(), "incident 42");
 * }</pre>
 */
public final class Sessions {
  public static final String ACTIVE = "ACTIVE";
  static final int MAX_BATCH = 1000;
  private static final int MAX_LISTED_CHOICES = 20;

  private final SecondFactors secondFactors;
  private final Database db;
  private final Resources resources;
  private final Accounts accounts;
  private final CertificateAuthority ca;
  private final SessionEnds ends;
  private final Revocations revocations;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final SessionEventStore eventStore;
  private final Supplier<List<String>> relayAddresses;
  private final Summaries summaries;
  private final AccessRequests approvals;

  public Sessions(
      Database db,
      Resources resources,
      Accounts accounts,
      AccessRequests approvals,
      CertificateAuthority ca,
      SessionEnds ends,
      Revocations revocations,
      Clock clock,
      Ids ids,
      AuditLog audit,
      ObjectMapper json,
      Supplier<List<String>> relayAddresses,
      SecondFactors secondFactors) {
    this.secondFactors = secondFactors;
    this.db = db;
    this.resources = resources;
    this.accounts = accounts;
    this.approvals = approvals;
    this.ca = ca;
    this.ends = ends;
    this.revocations = revocations;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.eventStore = new SessionEventStore(db, json);
    this.relayAddresses = relayAddresses;
    this.summaries = new Summaries(db, clock);
  }

  public CreatedSession create(
      Principal principal, CreateSessionRequest request, String clientAddress, String clientAgent) {
    if (request.resource() == null || request.resource().isBlank()) {
      throw ApiException.invalid(
          "resource", "missing", "the name of a resource" + choices(principal));
    }
    if (request.account() == null || request.account().isBlank()) {
      throw ApiException.invalid(
          "account", "missing", "the name of an account" + choices(principal));
    }
    Accounts.Stored account = usableAccount(principal, request.resource(), request.account());
    String reason =
        request.reason() == null || request.reason().isBlank() ? null : request.reason().trim();
    if (reason != null && reason.length() > 1000) {
      throw ApiException.invalid("reason", reason.length() + " characters", "at most 1000");
    }
    AccessRequests.Admission admission =
        approvals.admit(
            principal,
            account,
            request.request(),
            Boolean.TRUE.equals(request.breakGlass()),
            reason);
    // Under an approved request, a session lasts what is left of its window unless asked otherwise.
    Duration duration =
        admission.requestId() != null
                && (request.duration() == null || request.duration().isBlank())
            ? admission.max()
            : AccessDuration.of(request.duration(), admission.max(), admission.limit());
    if (request.csr() == null || request.csr().isBlank()) {
      throw ApiException.invalid(
          "csr", "missing", "a PEM certificate signing request for the client's key");
    }
    CertificateRequest csr;
    try {
      csr = Csrs.parse(request.csr());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("csr: " + e.getMessage());
    }
    // Last before the session is made: a code is spent only on a session that opens.
    String mfa =
        secondFactors.forSession(
            principal,
            Boolean.TRUE.equals(account.access().requiresMfa()),
            request.mfaCode(),
            request.mfaChallenge(),
            clientAddress,
            "account " + account.resourceName() + "/" + account.name());
    String id = ids.next();
    Instant now = clock.instant();
    Instant expires = now.plus(duration);
    String gatewayName = resources.get(account.resourceName()).gateway();
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "INSERT INTO sessions (id, user_id, user_name, resource_id, resource_name,"
                          + " account_id, account_name, gateway_id, gateway_name, reason, status,"
                          + " created_at, expires_at, client_address, client_agent, request_id,"
                          + " break_glass, mfa) VALUES (:id, :u, :un, :r, :rn, :a, :an, :g, :gn,"
                          + " :reason, 'ACTIVE', :t, :exp, :addr, :agent, :request, :breakGlass,"
                          + " :mfa)")
                  .bind("id", id)
                  .bind("u", principal.userId())
                  .bind("un", principal.name())
                  .bind("r", account.resourceId())
                  .bind("rn", account.resourceName())
                  .bind("a", account.id())
                  .bind("an", account.name())
                  .bind("g", account.gatewayId())
                  .bind("gn", gatewayName)
                  .bind("reason", reason)
                  .bind("t", now.toEpochMilli())
                  .bind("exp", expires.toEpochMilli())
                  .bind("addr", clientAddress)
                  .bind("agent", truncate(clientAgent, 255))
                  .bind("request", admission.requestId())
                  .bind("breakGlass", admission.breakGlass())
                  .bind("mfa", mfa)
                  .execute();
              audit.record(
                  h,
                  principal.actor(),
                  "session.create",
                  "session:" + id,
                  account.resourceName()
                      + "/"
                      + account.name()
                      + " for "
                      + GoDuration.format(duration)
                      + (admission.breakGlass() ? " BREAK-GLASS" : "")
                      + (mfa == null ? "" : " with MFA (" + mfa + ")")
                      + (admission.requestId() == null
                          ? ""
                          : " under request " + admission.requestId())
                      + (reason == null ? "" : " reason: " + reason));
              approvals.opened(h, admission, principal, account, id, duration, reason);
            });
    X509Certificate certificate =
        ca.issueSessionCertificate(csr.publicKey(), id, account.gatewayId(), expires);
    List<String> relays = relayAddresses.get();
    return new CreatedSession(
        get(principal, id),
        Pem.encodeCertificate(certificate),
        InternalCa.chainPem(ca),
        account.gatewayId(),
        relays.get(0),
        relays);
  }

  private Accounts.Stored usableAccount(Principal principal, String resource, String name) {
    Optional<Accounts.Stored> account;
    try {
      account = Optional.of(accounts.stored(resource, name));
    } catch (ApiException e) {
      account = Optional.empty();
    }
    if (account.isEmpty() || !accounts.mayUse(principal, account.get().id())) {
      // Members learn nothing about accounts they may not use: the same answer as for none.
      throw ApiException.notFound(
          "no account '"
              + name
              + "' on resource '"
              + resource
              + "' that you may use"
              + choices(principal));
    }
    return account.get();
  }

  /** What the caller may access, for error messages: "; you may access: prod/admin, dev/view". */
  private String choices(Principal principal) {
    List<AccountView> usable = accounts.list(principal, null);
    if (usable.isEmpty()) {
      return "; you may access no account yet (ask an admin for a grant)";
    }
    String listed =
        usable.stream()
            .limit(MAX_LISTED_CHOICES)
            .map(a -> a.resource() + "/" + a.name())
            .collect(Collectors.joining(", "));
    return "; you may access: " + listed + (usable.size() > MAX_LISTED_CHOICES ? ", …" : "");
  }

  /** Filters of {@link #list}; null means any. */
  public record Filter(
      String user, String resource, String account, String status, Instant since, Instant until) {}

  /** Newest first; members see only their own sessions. */
  public List<SessionView> list(Principal principal, Filter filter, Page page) {
    String user = principal.isAdmin() ? filter.user() : principal.name();
    String status = filter.status() == null ? null : filter.status().toUpperCase(Locale.ROOT);
    if (status != null && !List.of("ACTIVE", "ENDED", "TERMINATED", "EXPIRED").contains(status)) {
      throw ApiException.invalid("status", filter.status(), "ACTIVE, ENDED, TERMINATED or EXPIRED");
    }
    StringBuilder sql = new StringBuilder("SELECT * FROM sessions WHERE 1=1");
    if (user != null) sql.append(" AND user_name = :user");
    if (filter.resource() != null) sql.append(" AND resource_name = :resource");
    if (filter.account() != null) sql.append(" AND account_name = :account");
    if (status != null) sql.append(" AND status = :status");
    if (filter.since() != null) sql.append(" AND created_at >= :since");
    if (filter.until() != null) sql.append(" AND created_at < :until");
    sql.append(" ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset");
    List<SessionView> sessions =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(sql.toString())
                        .bind("user", user)
                        .bind("resource", filter.resource())
                        .bind("account", filter.account())
                        .bind("status", status)
                        .bind("since", Millis.of(filter.since()))
                        .bind("until", Millis.of(filter.until()))
                        .bind("limit", page.limit())
                        .bind("offset", page.offset())
                        .map((rs, c) -> view(rs))
                        .list());
    return summaries.attach(sessions);
  }

  /** The session with its summary if the caller owns it or is an admin; 404 otherwise. */
  public SessionView get(Principal principal, String id) {
    return summaries.attach(readable(principal, id));
  }

  /** The session without its summary if the caller owns it or is an admin; 404 otherwise. */
  SessionView readable(Principal principal, String id) {
    return stored(id)
        .filter(s -> principal.isAdmin() || s.user().equals(principal.name()))
        .orElseThrow(() -> ApiException.notFound("session '" + id + "' not found"));
  }

  /** The session with its summary. */
  public Optional<SessionView> find(String id) {
    return stored(id).map(summaries::attach);
  }

  /** The session as stored, without its summary: for checks that do not show it. */
  private Optional<SessionView> stored(String id) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT * FROM sessions WHERE id = :id")
                    .bind("id", id)
                    .map((rs, c) -> view(rs))
                    .findOne());
  }

  /** The owner (or an admin) ends a session normally. */
  public SessionView end(Principal principal, String id, String reason) {
    readable(principal, id);
    return finish(
        id,
        "ENDED",
        "session.end",
        principal.actor(),
        reasonOr(reason, "ended by " + principal.name()));
  }

  /** An admin ends someone's session at once. */
  public SessionView terminate(Principal admin, String id, String reason) {
    if (!admin.isAdmin()) {
      throw ApiException.forbidden("terminating sessions needs the admin role");
    }
    readable(admin, id);
    return finish(
        id,
        "TERMINATED",
        "session.terminate",
        admin.actor(),
        reasonOr(reason, "terminated by " + admin.name()));
  }

  /** Marks every ACTIVE session past its expiry EXPIRED; returns how many it marked. */
  public int expireDue() {
    List<String> due =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id FROM sessions WHERE status = 'ACTIVE' AND expires_at <= :now")
                        .bind("now", clock.millis())
                        .mapTo(String.class)
                        .list());
    int expired = 0;
    for (String id : due) {
      if (transition(id, "EXPIRED", "session.expire", Actor.SYSTEM, "the session's time ran out")) {
        expired++;
      }
    }
    return expired;
  }

  private SessionView finish(String id, String status, String action, Actor actor, String reason) {
    if (!transition(id, status, action, actor, reason)) {
      SessionView current = stored(id).orElseThrow();
      throw ApiException.conflict("session '" + id + "' is already " + current.status());
    }
    return find(id).orElseThrow();
  }

  /** ACTIVE → status, once (see {@link SessionEnds}). */
  private boolean transition(String id, String status, String action, Actor actor, String reason) {
    boolean changed = db.jdbi().inTransaction(h -> ends.end(h, id, status, action, actor, reason));
    if (changed) {
      ends.committed();
    }
    return changed;
  }

  /**
   * What the session's own gateway needs to serve it, with the decrypted token. Another gateway
   * gets 403; a session that is over gets 410 with the reason.
   */
  public SessionLookup lookup(GatewayPrincipal gateway, String id) {
    ownSession(gateway, id);
    SessionView session = current(id);
    Accounts.Stored account;
    Resources.Stored resource;
    try {
      account = accounts.storedById(accountIdOf(id));
      resource = resources.stored(account.resourceName());
    } catch (ApiException e) {
      // Deleted between the authorisation check and here: the revocation is on its way.
      throw new ApiException(
          410, "session_terminated", "session " + id + " is terminated: " + e.getMessage());
    }
    if (session.firstSeenAt() == null) {
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "UPDATE sessions SET first_seen_at = :t WHERE id = :id AND first_seen_at IS NULL")
                      .bind("t", clock.millis())
                      .bind("id", id)
                      .execute());
    }
    return new SessionLookup(
        id,
        session.user(),
        session.status(),
        session.expiresAt(),
        resource.view().name(),
        resource.view().url(),
        resource.view().caCert(),
        resource.view().serverName(),
        resource.view().insecureSkipTlsVerify(),
        account.name(),
        accounts.token(account.id()),
        account.recordStdin(),
        account.recordingFailurePolicy(),
        account.policy());
  }

  /**
   * Whether a client may open a connection for this session through a relay now: the session exists
   * (else 404 {@code not_found}), is served by {@code gatewayId}, the gateway named in the session
   * certificate (else 403 {@code forbidden}, audited), is ACTIVE and has not expired (else 410
   * {@code session_ended}, {@code session_terminated} or {@code session_expired}). Reads only.
   */
  public void admission(Actor relay, String sessionId, String gatewayId) {
    try {
      checkAdmission(sessionId, gatewayId);
    } catch (ApiException e) {
      if (e.status() == 403) {
        audit.record(
            relay,
            "session.admission.denied",
            "session:" + sessionId,
            "session belongs to another gateway than " + gatewayId);
      }
      throw e;
    }
  }

  /**
   * Why a client may not open a connection for this session through the relay, or empty when it
   * may: the {@link #admission} check, for the relay embedded in {@code kpam server}.
   */
  public Optional<String> refusal(String sessionId, String gatewayId) {
    try {
      checkAdmission(sessionId, gatewayId);
      return Optional.empty();
    } catch (ApiException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void checkAdmission(String sessionId, String gatewayId) {
    SessionView session =
        stored(sessionId)
            .orElseThrow(() -> ApiException.notFound("session " + sessionId + " does not exist"));
    if (!session.gatewayId().equals(gatewayId)) {
      throw ApiException.forbidden("session " + sessionId + " is not served by this gateway");
    }
    current(sessionId);
  }

  /**
   * The session if it is ACTIVE, unexpired and still authorised ({@link Revocations#enforce});
   * otherwise it is marked EXPIRED or TERMINATED (once, by whichever caller gets there first) and
   * this throws 410 {@code session_ended}, {@code session_terminated} or {@code session_expired}
   * with the reason.
   */
  private SessionView current(String id) {
    SessionView session = stored(id).orElseThrow();
    if (ACTIVE.equals(session.status()) && !session.expiresAt().isAfter(clock.instant())) {
      transition(id, "EXPIRED", "session.expire", Actor.SYSTEM, "the session's time ran out");
      session = stored(id).orElseThrow();
    }
    if (ACTIVE.equals(session.status())
        && db.jdbi().inTransaction(h -> revocations.enforce(h, id)).isPresent()) {
      revocations.committed();
      session = stored(id).orElseThrow();
    }
    if (!ACTIVE.equals(session.status())) {
      String status = session.status().toLowerCase(Locale.ROOT);
      throw new ApiException(
          410, "session_" + status, "session " + id + " is " + status + ": " + session.endReason());
    }
    return session;
  }

  private String accountIdOf(String sessionId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT account_id FROM sessions WHERE id = :id")
                    .bind("id", sessionId)
                    .mapTo(String.class)
                    .one());
  }

  /**
   * Stores a batch of events idempotently: an event the instance sent before (its sequence number)
   * is skipped.
   */
  public EventBatchAck upload(GatewayPrincipal gateway, String id, EventUpload batch) {
    ownSession(gateway, id);
    List<EventUpload.Event> events = batch.events() == null ? List.of() : batch.events();
    if (events.size() > MAX_BATCH) {
      throw ApiException.invalid(
          "events", events.size() + " events", "at most " + MAX_BATCH + " per batch");
    }
    for (int i = 0; i < events.size(); i++) {
      EventUpload.Event event = events.get(i);
      if (event == null) throw ApiException.invalid("events[" + i + "]", "null", "an event");
      if (event.seq() < 1)
        throw ApiException.invalid("events[" + i + "].seq", event.seq(), "1 or more");
      if (event.time() == null)
        throw ApiException.invalid("events[" + i + "].time", "missing", "an instant");
      if (event.type() == null || event.type().isBlank() || event.type().length() > 64) {
        throw ApiException.invalid("events[" + i + "].type", event.type(), "1-64 characters");
      }
    }
    return eventStore.store(id, gateway.instanceId(), events);
  }

  private SessionView ownSession(GatewayPrincipal gateway, String id) {
    SessionView session =
        stored(id).orElseThrow(() -> ApiException.notFound("session '" + id + "' not found"));
    if (!gateway.gatewayId().equals(session.gatewayId())) {
      audit.record(
          gateway.actor(),
          "session.lookup.denied",
          "session:" + id,
          "session belongs to another gateway");
      throw ApiException.forbidden("session '" + id + "' is not served by this gateway");
    }
    return session;
  }

  private static String reasonOr(String reason, String fallback) {
    if (reason == null || reason.isBlank()) {
      return fallback;
    }
    if (reason.length() > 1000) {
      throw ApiException.invalid("reason", reason.length() + " characters", "at most 1000");
    }
    return reason.trim();
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  private static SessionView view(ResultSet rs) throws SQLException {
    return new SessionView(
        rs.getString("id"),
        rs.getString("user_name"),
        rs.getString("resource_name"),
        rs.getString("account_name"),
        rs.getString("gateway_id"),
        rs.getString("gateway_name"),
        rs.getString("reason"),
        rs.getString("status"),
        Millis.instant(rs.getLong("created_at")),
        Millis.nullable(rs, "first_seen_at"),
        Millis.instant(rs.getLong("expires_at")),
        Millis.nullable(rs, "ended_at"),
        rs.getString("end_reason"),
        rs.getString("ended_by"),
        rs.getString("client_address"),
        rs.getString("client_agent"),
        rs.getString("request_id"),
        rs.getBoolean("break_glass"),
        rs.getString("mfa"),
        null);
  }
}
