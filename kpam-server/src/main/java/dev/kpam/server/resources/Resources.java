package dev.kpam.server.resources;

import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.protocol.resources.ResourceView;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.gateways.GatewayEvents;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.users.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Kubernetes resources: a cluster's API server URL, the gateway that reaches it, and how to verify
 * its TLS certificate.
 *
 * <pre>{@code
 * resources.create(new ResourceRequest("prod", "https://10.0.0.1:6443", "dc1", null, null, null), actor);
 * }</pre>
 */
public final class Resources {
  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?");
  private static final String SELECT =
      "SELECT r.*, g.name AS gateway_name, g.enrolled_at AS gateway_enrolled_at,"
          + " g.last_heartbeat_at AS gateway_heartbeat_at"
          + " FROM resources r JOIN gateways g ON g.id = r.gateway_id";

  private final Database db;
  private final Gateways gateways;
  private final GatewayEvents events;
  private final Revocations revocations;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;

  public Resources(
      Database db,
      Gateways gateways,
      GatewayEvents events,
      Revocations revocations,
      Clock clock,
      Ids ids,
      AuditLog audit) {
    this.db = db;
    this.gateways = gateways;
    this.events = events;
    this.revocations = revocations;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
  }

  /** A stored resource with its gateway id, for other features. */
  public record Stored(ResourceView view, String gatewayId) {}

  public ResourceView create(ResourceRequest request, Actor actor) {
    String name = Names.label("name", request.name());
    String url = checkedUrl(request.url());
    String gatewayId = gatewayId(Names.required("gateway", request.gateway()));
    String caCert = checkedCaCert(request.caCert());
    String serverName = checkedServerName(request.serverName());
    boolean insecure = Boolean.TRUE.equals(request.insecureSkipTlsVerify());
    long now = clock.millis();
    String id = ids.next();
    db.jdbi()
        .useTransaction(
            h -> {
              if (exists(h, name)) {
                throw ApiException.alreadyExists("resource '" + name + "' already exists");
              }
              h.createUpdate(
                      "INSERT INTO resources (id, name, type, url, gateway_id, ca_cert, server_name,"
                          + " insecure_skip_tls_verify, created_at, updated_at) VALUES (:id, :name,"
                          + " 'kubernetes', :url, :g, :ca, :sn, :insecure, :t, :t)")
                  .bind("id", id)
                  .bind("name", name)
                  .bind("url", url)
                  .bind("g", gatewayId)
                  .bind("ca", caCert)
                  .bind("sn", serverName)
                  .bind("insecure", insecure)
                  .bind("t", now)
                  .execute();
              audit.record(
                  h,
                  actor,
                  "resource.create",
                  "resource:" + name,
                  describe(url, request.gateway(), insecure));
            });
    return get(name);
  }

  public ResourceView update(String name, ResourceRequest request, Actor actor) {
    Stored current = stored(name);
    ResourceView was = current.view();
    String url = request.url() == null ? was.url() : checkedUrl(request.url());
    String gatewayId =
        request.gateway() == null ? current.gatewayId() : gatewayId(request.gateway());
    String caCert = request.caCert() == null ? was.caCert() : checkedCaCert(request.caCert());
    String serverName =
        request.serverName() == null ? was.serverName() : checkedServerName(request.serverName());
    boolean insecure =
        request.insecureSkipTlsVerify() == null
            ? was.insecureSkipTlsVerify()
            : request.insecureSkipTlsVerify();
    if (request.name() != null && !request.name().equals(name)) {
      throw ApiException.invalid(
          "name",
          "'" + request.name() + "'",
          "the current name '" + name + "' (resources cannot be renamed)");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "UPDATE resources SET url = :url, gateway_id = :g, ca_cert = :ca,"
                          + " server_name = :sn, insecure_skip_tls_verify = :insecure,"
                          + " updated_at = :t WHERE id = :id")
                  .bind("url", url)
                  .bind("g", gatewayId)
                  .bind("ca", caCert)
                  .bind("sn", serverName)
                  .bind("insecure", insecure)
                  .bind("t", clock.millis())
                  .bind("id", was.id())
                  .execute();
              events.publish(h, current.gatewayId(), "resource.changed", null, name, "updated");
              audit.record(
                  h, actor, "resource.update", "resource:" + name, describe(url, null, insecure));
              if (!gatewayId.equals(current.gatewayId())) {
                events.publish(h, gatewayId, "resource.changed", null, name, "updated");
                revocations.revoke(
                    h,
                    actor,
                    Scope.resource(was.id()),
                    "resource " + name + " moved to gateway " + request.gateway());
              }
            });
    events.committed();
    return get(name);
  }

  /** Deletes the resource with its accounts and ends the sessions open on it. */
  public void delete(String name, Actor actor) {
    Stored current = stored(name);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM resources WHERE id = :id")
                  .bind("id", current.view().id())
                  .execute();
              events.publish(h, current.gatewayId(), "resource.changed", null, name, "deleted");
              audit.record(h, actor, "resource.delete", "resource:" + name, null);
              revocations.revoke(
                  h, actor, Scope.resource(current.view().id()), "resource " + name + " deleted");
            });
    events.committed();
  }

  /** Admins see every resource; members those with an account granted to them. */
  public List<ResourceView> list(Principal principal) {
    String sql =
        principal.isAdmin()
            ? SELECT + " ORDER BY r.name"
            : SELECT
                + " WHERE r.id IN (SELECT a.resource_id FROM accounts a JOIN account_grants ag"
                + " ON ag.account_id = a.id WHERE ag.user_id = :u) ORDER BY r.name";
    return db.jdbi()
        .withHandle(
            h -> h.createQuery(sql).bind("u", principal.userId()).map((rs, c) -> view(rs)).list());
  }

  /** One resource as the caller may see it: members get 404 for resources not granted to them. */
  public ResourceView get(Principal principal, String name) {
    return list(principal).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> notFound(name));
  }

  public ResourceView get(String name) {
    return stored(name).view();
  }

  public Stored stored(String name) {
    return find(name).orElseThrow(() -> notFound(name));
  }

  public Optional<Stored> find(String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(SELECT + " WHERE r.name = :n")
                    .bind("n", name)
                    .map((rs, c) -> new Stored(view(rs), rs.getString("gateway_id")))
                    .findOne());
  }

  private static ApiException notFound(String name) {
    return ApiException.notFound("resource '" + name + "' not found");
  }

  private static boolean exists(Handle h, String name) {
    return h.createQuery("SELECT 1 FROM resources WHERE name = :n")
        .bind("n", name)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  private String gatewayId(String gatewayName) {
    return gateways
        .find(gatewayName)
        .orElseThrow(
            () ->
                ApiException.invalid(
                    "gateway", "'" + gatewayName + "'", "the name of an existing gateway"))
        .id();
  }

  static String checkedUrl(String url) {
    if (url == null || url.isBlank()) {
      throw ApiException.invalid("url", "missing", "the API server's https:// URL");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw ApiException.invalid("url", "'" + withoutUserInfo(url) + "'", "a valid https:// URL");
    }
    String form = "https://HOST[:PORT][/PATH]";
    String expected = null;
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      expected = form + " (only https is supported)";
    } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
      // Also an authority java.net.URI could not read as host[:port], e.g. a port of 99999999999.
      expected = form + " with a host name or address";
    } else if (uri.getRawUserInfo() != null) {
      expected = form + " without user info (the gateway holds the credentials)";
    } else if (uri.getPort() == 0 || uri.getPort() > 65535 || uri.getRawAuthority().endsWith(":")) {
      expected = form + " with a port between 1 and 65535";
    } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      expected = form + " without query or fragment";
    }
    if (expected != null) {
      throw ApiException.invalid("url", "'" + withoutUserInfo(url) + "'", expected);
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** The URL as it may be shown back: user info can hold a password. */
  private static String withoutUserInfo(String url) {
    return url.replaceFirst("^([^:/?#]*://)[^/?#]*@", "$1…@");
  }

  /** Null keeps nothing: empty text clears; anything else must be PEM certificates. */
  static String checkedCaCert(String pem) {
    if (pem == null || pem.isBlank()) {
      return null;
    }
    try {
      if (Pem.parseCertificates(pem).isEmpty()) {
        throw new IllegalArgumentException("no certificate");
      }
      return pem.trim() + "\n";
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "caCert",
          "not a PEM certificate",
          "one or more PEM certificates (-----BEGIN CERTIFICATE-----)");
    }
  }

  static String checkedServerName(String serverName) {
    if (serverName == null || serverName.isBlank()) {
      return null;
    }
    if (!SERVER_NAME.matcher(serverName).matches()) {
      throw ApiException.invalid(
          "serverName", "'" + serverName + "'", "a DNS name such as kubernetes.default.svc");
    }
    return serverName;
  }

  private static String describe(String url, String gateway, boolean insecure) {
    return "url="
        + url
        + (gateway == null ? "" : " gateway=" + gateway)
        + (insecure ? " insecure-skip-tls-verify" : "");
  }

  private ResourceView view(ResultSet rs) throws SQLException {
    return new ResourceView(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("type"),
        rs.getString("url"),
        rs.getString("gateway_name"),
        gateways.status(
            Millis.nullable(rs, "gateway_enrolled_at"),
            Millis.nullable(rs, "gateway_heartbeat_at")),
        rs.getString("ca_cert"),
        rs.getString("server_name"),
        rs.getBoolean("insecure_skip_tls_verify"),
        Millis.instant(rs.getLong("created_at")),
        Millis.instant(rs.getLong("updated_at")));
  }
}
