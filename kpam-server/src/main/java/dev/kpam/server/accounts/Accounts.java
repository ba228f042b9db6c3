package dev.kpam.server.accounts;

import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.server.Ids;
import dev.kpam.server.approvals.AccountAccess;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.gateways.GatewayEvents;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.identity.GroupGrants;
import dev.kpam.server.policy.AccountPolicies;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.secrets.SecretStore;
import dev.kpam.server.secrets.SecretStore.Sealed;
import dev.kpam.server.users.Names;
import dev.kpam.server.users.Users;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Accounts: a resource's stored service-account tokens. The token is write-only: sealed under the
 * root key on the way in and opened only for the resource's own gateway ({@link #token}). Admins
 * may use every account; members only those granted to them.
 *
 * <pre>{@code
 * accounts.create("prod", new AccountRequest("admin", saToken, null, "8h", null, null), actor);
 * accounts.grant("prod", "admin", "bob", actor);
 * }</pre>
 */
public final class Accounts {
  static final Duration DEFAULT_MAX_SESSION = Duration.ofHours(8);
  static final Duration MIN_SESSION = Duration.ofMinutes(1);
  static final Duration MAX_SESSION = Duration.ofHours(24);
  static final int MAX_TOKEN_LENGTH = 16 * 1024;
  private static final List<String> FAILURE_POLICIES = List.of("fail-closed", "fail-open");
  private static final String SELECT =
      "SELECT a.*, r.name AS resource_name, r.gateway_id FROM accounts a"
          + " JOIN resources r ON r.id = a.resource_id";

  private final Database db;
  private final GroupGrants groupGrants;
  private final Resources resources;
  private final Users users;
  private final SecretStore secrets;
  private final GatewayEvents events;
  private final Revocations revocations;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final boolean accountWebhooks;

  public Accounts(
      Database db,
      Resources resources,
      Users users,
      SecretStore secrets,
      GatewayEvents events,
      Revocations revocations,
      Clock clock,
      Ids ids,
      AuditLog audit,
      boolean accountWebhooks) {
    this.db = db;
    this.resources = resources;
    this.users = users;
    this.secrets = secrets;
    this.events = events;
    this.revocations = revocations;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.accountWebhooks = accountWebhooks;
    this.groupGrants = new GroupGrants(db, revocations, audit, clock);
  }

  /** An account as other features need it (ids, policy and access rules, no token). */
  public record Stored(
      String id,
      String name,
      String resourceId,
      String resourceName,
      String gatewayId,
      Duration maxSession,
      boolean recordStdin,
      String recordingFailurePolicy,
      KubePolicy policy,
      AccessRules access) {}

  public AccountView create(String resource, AccountRequest request, Actor actor) {
    Resources.Stored owner = resources.stored(resource);
    String name = Names.label("name", request.name());
    byte[] token = checkedToken(request.token());
    Duration max = maxSession(request.maxSessionDuration(), DEFAULT_MAX_SESSION);
    String policy = failurePolicy(request.recordingFailurePolicy(), "fail-closed");
    String kubePolicy = AccountPolicies.change(request).column(null);
    String access = AccountAccess.column(accessRules(AccountAccess.DEFAULT, request));
    String id = ids.next();
    Sealed sealed = secrets.seal(token, sealContext(id));
    long now = clock.millis();
    db.jdbi()
        .useTransaction(
            h -> {
              boolean taken =
                  h.createQuery("SELECT 1 FROM accounts WHERE resource_id = :r AND name = :n")
                      .bind("r", owner.view().id())
                      .bind("n", name)
                      .mapTo(Integer.class)
                      .findOne()
                      .isPresent();
              if (taken) {
                throw ApiException.alreadyExists(
                    "account '" + name + "' already exists on resource '" + resource + "'");
              }
              h.createUpdate(
                      "INSERT INTO accounts (id, resource_id, name, description, token_data_key,"
                          + " token_sealed, max_session_seconds, record_stdin, recording_failure_policy,"
                          + " kube_policy, access_rules, created_at, updated_at) VALUES (:id, :r, :n,"
                          + " :d, :kid, :sealed, :max, :stdin, :policy, :kube, :access, :t, :t)")
                  .bind("id", id)
                  .bind("r", owner.view().id())
                  .bind("n", name)
                  .bind("d", checkedDescription(request.description()))
                  .bind("kid", sealed.dataKeyId())
                  .bind("sealed", sealed.ciphertext())
                  .bind("max", max.toSeconds())
                  .bind("stdin", Boolean.TRUE.equals(request.recordStdin()))
                  .bind("policy", policy)
                  .bind("kube", kubePolicy)
                  .bind("access", access)
                  .bind("t", now)
                  .execute();
              audit.record(
                  h,
                  actor,
                  "account.create",
                  target(resource, name),
                  "maxSessionDuration="
                      + GoDuration.format(max)
                      + (kubePolicy == null ? "" : " policy=" + kubePolicy)
                      + (access == null
                          ? ""
                          : " access=" + AccountAccess.summary(AccountAccess.parse(access))));
            });
    return get(resource, name);
  }

  public AccountView update(String resource, String name, AccountRequest request, Actor actor) {
    Stored current = stored(resource, name);
    if (request.name() != null && !request.name().equals(name)) {
      throw ApiException.invalid(
          "name",
          "'" + request.name() + "'",
          "the current name '" + name + "' (accounts cannot be renamed)");
    }
    byte[] token = request.token() == null ? null : checkedToken(request.token());
    Sealed sealed = token == null ? null : secrets.seal(token, sealContext(current.id()));
    Duration max = maxSession(request.maxSessionDuration(), current.maxSession());
    String policy =
        failurePolicy(request.recordingFailurePolicy(), current.recordingFailurePolicy());
    boolean stdin = request.recordStdin() == null ? current.recordStdin() : request.recordStdin();
    AccountPolicies.Change kubePolicy = AccountPolicies.change(request);
    AccessRules access = accessRules(current.access(), request);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "UPDATE accounts SET description = COALESCE(:d, description),"
                          + " max_session_seconds = :max, record_stdin = :stdin,"
                          + " recording_failure_policy = :policy, kube_policy = :kube,"
                          + " access_rules = :access, updated_at = :t WHERE id = :id")
                  .bind(
                      "d",
                      request.description() == null
                          ? null
                          : checkedDescription(request.description()))
                  .bind("max", max.toSeconds())
                  .bind("stdin", stdin)
                  .bind("policy", policy)
                  .bind("kube", kubePolicy.column(AccountPolicies.column(current.policy())))
                  .bind("access", AccountAccess.column(access))
                  .bind("t", clock.millis())
                  .bind("id", current.id())
                  .execute();
              if (sealed != null) {
                h.createUpdate(
                        "UPDATE accounts SET token_data_key = :kid, token_sealed = :sealed WHERE id = :id")
                    .bind("kid", sealed.dataKeyId())
                    .bind("sealed", sealed.ciphertext())
                    .bind("id", current.id())
                    .execute();
              }
              events.publish(
                  h,
                  current.gatewayId(),
                  "account.changed",
                  null,
                  resource,
                  "account " + name + " updated");
              audit.record(
                  h,
                  actor,
                  "account.update",
                  target(resource, name),
                  auditDetails(
                      token != null,
                      kubePolicy,
                      access.equals(current.access()) ? null : AccountAccess.summary(access)));
            });
    events.committed();
    return get(resource, name);
  }

  public void delete(String resource, String name, Actor actor) {
    Stored current = stored(resource, name);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM accounts WHERE id = :id")
                  .bind("id", current.id())
                  .execute();
              events.publish(
                  h,
                  current.gatewayId(),
                  "account.changed",
                  null,
                  resource,
                  "account " + name + " deleted");
              audit.record(h, actor, "account.delete", target(resource, name), null);
              revocations.revoke(
                  h,
                  actor,
                  Scope.account(current.id()),
                  "account " + resource + "/" + name + " deleted");
            });
    events.committed();
  }

  /** Grants the account to a user, or to everyone in an IdP group ({@code group:NAME}). */
  public AccountView grant(String resource, String name, String userName, Actor actor) {
    Stored account = stored(resource, name);
    String group = GroupGrants.groupOf(userName);
    if (group != null) {
      groupGrants.grant(account.id(), target(resource, name), group, actor);
      return get(resource, name);
    }
    String userId =
        users
            .find(Names.required("user", userName))
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        "user", "'" + userName + "'", "the name of an existing user"))
            .id();
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "INSERT INTO account_grants (account_id, user_id, created_at) VALUES (:a, :u, :t)"
                          + " ON CONFLICT (account_id, user_id) DO NOTHING")
                  .bind("a", account.id())
                  .bind("u", userId)
                  .bind("t", clock.millis())
                  .execute();
              audit.record(h, actor, "account.grant", target(resource, name), "user=" + userName);
            });
    return get(resource, name);
  }

  /** Takes the user's grant away and ends the sessions that depended on it. */
  public AccountView revoke(String resource, String name, String userName, Actor actor) {
    Stored account = stored(resource, name);
    String group = GroupGrants.groupOf(userName);
    if (group != null) {
      groupGrants.revoke(account.id(), target(resource, name), group, actor);
      return get(resource, name);
    }
    ApiException noGrant =
        ApiException.notFound(
            "user '"
                + userName
                + "' has no grant on account '"
                + name
                + "' of resource '"
                + resource
                + "'");
    String userId = users.find(userName).orElseThrow(() -> noGrant).id();
    int removed =
        db.jdbi()
            .inTransaction(
                h -> {
                  int count =
                      h.createUpdate(
                              "DELETE FROM account_grants WHERE account_id = :a AND user_id = :u")
                          .bind("a", account.id())
                          .bind("u", userId)
                          .execute();
                  if (count > 0) {
                    audit.record(
                        h, actor, "account.revoke", target(resource, name), "user=" + userName);
                    revocations.revoke(
                        h, actor, Scope.grant(account.id(), userId), "grant removed");
                  }
                  return count;
                });
    if (removed == 0) {
      throw noGrant;
    }
    revocations.committed();
    return get(resource, name);
  }

  /** Accounts the caller may use, of one resource or (resource null) of all. */
  public List<AccountView> list(Principal principal, String resource) {
    if (resource != null) {
      resources.get(principal, resource);
    }
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE 1=1");
    if (resource != null) sql.append(" AND r.name = :resource");
    if (!principal.isAdmin()) sql.append(" AND ").append(GroupGrants.held("a.id", ":u"));
    sql.append(" ORDER BY r.name, a.name");
    return db.jdbi()
        .withHandle(
            h -> {
              Map<String, List<String>> grants = principal.isAdmin() ? grants(h) : Map.of();
              return h.createQuery(sql.toString())
                  .bind("resource", resource)
                  .bind("u", principal.userId())
                  .map((rs, c) -> view(rs, grants))
                  .list();
            });
  }

  public AccountView get(Principal principal, String resource, String name) {
    return list(principal, resource).stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(() -> notFound(resource, name));
  }

  AccountView get(String resource, String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(SELECT + " WHERE r.name = :r AND a.name = :n")
                    .bind("r", resource)
                    .bind("n", name)
                    .map((rs, c) -> view(rs, grants(h)))
                    .findOne())
        .orElseThrow(() -> notFound(resource, name));
  }

  public Stored stored(String resource, String name) {
    resources.stored(resource);
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(SELECT + " WHERE r.name = :r AND a.name = :n")
                    .bind("r", resource)
                    .bind("n", name)
                    .map((rs, c) -> stored(rs))
                    .findOne())
        .orElseThrow(() -> notFound(resource, name));
  }

  /** The account with this id: sessions hold on to the account they were opened on, not a name. */
  public Stored storedById(String id) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(SELECT + " WHERE a.id = :id")
                    .bind("id", id)
                    .map((rs, c) -> stored(rs))
                    .findOne())
        .orElseThrow(() -> ApiException.notFound("the session's account was deleted"));
  }

  private static Stored stored(ResultSet rs) throws SQLException {
    return new Stored(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("resource_id"),
        rs.getString("resource_name"),
        rs.getString("gateway_id"),
        Duration.ofSeconds(rs.getLong("max_session_seconds")),
        rs.getBoolean("record_stdin"),
        rs.getString("recording_failure_policy"),
        AccountPolicies.parse(rs.getString("kube_policy")),
        AccountAccess.parse(rs.getString("access_rules")));
  }

  private AccessRules accessRules(AccessRules current, AccountRequest request) {
    return AccountAccess.merge(
        current, request.access(), name -> users.find(name).isPresent(), accountWebhooks);
  }

  private static String auditDetails(
      boolean tokenReplaced, AccountPolicies.Change kubePolicy, String access) {
    List<String> parts = new java.util.ArrayList<>();
    if (tokenReplaced) parts.add("token replaced");
    if (kubePolicy.changes()) {
      parts.add(
          kubePolicy.policy() == null
              ? "policy removed"
              : "policy=" + AccountPolicies.column(kubePolicy.policy()));
    }
    if (access != null) parts.add("access=" + access);
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  /** Whether the user may open sessions on the account. */
  public boolean mayUse(Principal principal, String accountId) {
    if (principal.isAdmin()) {
      return true;
    }
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT 1 WHERE " + GroupGrants.held(":a", ":u"))
                    .bind("a", accountId)
                    .bind("u", principal.userId())
                    .mapTo(Integer.class)
                    .findOne()
                    .isPresent());
  }

  /** The decrypted service-account token. Callers hand it only to the resource's own gateway. */
  public String token(String accountId) {
    Sealed sealed =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT token_data_key, token_sealed FROM accounts WHERE id = :id")
                        .bind("id", accountId)
                        .map(
                            (rs, c) ->
                                new Sealed(
                                    rs.getString("token_data_key"), rs.getBytes("token_sealed")))
                        .findOne())
            .orElseThrow(() -> ApiException.notFound("the session's account no longer exists"));
    return new String(secrets.open(sealed, sealContext(accountId)), StandardCharsets.UTF_8);
  }

  private static String sealContext(String accountId) {
    return "account:" + accountId + ":token";
  }

  private static String target(String resource, String name) {
    return "account:" + resource + "/" + name;
  }

  private static ApiException notFound(String resource, String name) {
    return ApiException.notFound("account '" + name + "' not found on resource '" + resource + "'");
  }

  private static Map<String, List<String>> grants(Handle h) {
    return h
        .createQuery(
            "SELECT ag.account_id, u.name FROM account_grants ag JOIN users u ON u.id = ag.user_id"
                + " UNION ALL SELECT account_id, '"
                + GroupGrants.PREFIX
                + "' || group_name FROM account_group_grants ORDER BY 2")
        .map((rs, c) -> Map.entry(rs.getString("account_id"), rs.getString("name")))
        .list()
        .stream()
        .collect(
            Collectors.groupingBy(
                Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
  }

  static byte[] checkedToken(String token) {
    if (token == null || token.isBlank()) {
      throw ApiException.invalid("token", "missing", "the service account's bearer token");
    }
    String trimmed = token.trim();
    if (trimmed.length() > MAX_TOKEN_LENGTH
        || trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      // Never echo the value: it is a secret.
      throw ApiException.invalid(
          "token", "not a bearer token", "printable ASCII without spaces, at most 16 KiB");
    }
    return trimmed.getBytes(StandardCharsets.US_ASCII);
  }

  static Duration maxSession(String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    Duration max;
    try {
      max = GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "maxSessionDuration", "'" + text + "'", "a duration such as 30m, 8h");
    }
    if (max.compareTo(MIN_SESSION) < 0 || max.compareTo(MAX_SESSION) > 0) {
      throw ApiException.invalid("maxSessionDuration", text, "between 1m and 24h");
    }
    return max;
  }

  private static String failurePolicy(String text, String fallback) {
    if (text == null) {
      return fallback;
    }
    if (!FAILURE_POLICIES.contains(text)) {
      throw ApiException.invalid(
          "recordingFailurePolicy", "'" + text + "'", "fail-closed or fail-open");
    }
    return text;
  }

  private static String checkedDescription(String description) {
    if (description != null && description.length() > 1000) {
      throw ApiException.invalid(
          "description", description.length() + " characters", "at most 1000");
    }
    return description;
  }

  private static AccountView view(ResultSet rs, Map<String, List<String>> grants)
      throws SQLException {
    String id = rs.getString("id");
    return new AccountView(
        id,
        rs.getString("resource_name"),
        rs.getString("name"),
        rs.getString("description"),
        GoDuration.format(Duration.ofSeconds(rs.getLong("max_session_seconds"))),
        true,
        rs.getBoolean("record_stdin"),
        rs.getString("recording_failure_policy"),
        AccountPolicies.parse(rs.getString("kube_policy")),
        AccountAccess.shown(AccountAccess.parse(rs.getString("access_rules"))),
        grants.getOrDefault(id, List.of()),
        Millis.instant(rs.getLong("created_at")),
        Millis.instant(rs.getLong("updated_at")));
  }
}
