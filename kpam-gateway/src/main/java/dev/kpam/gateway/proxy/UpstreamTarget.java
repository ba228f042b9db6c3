package dev.kpam.gateway.proxy;

import dev.kpam.protocol.sessions.SessionLookup;
import java.net.URI;
import java.util.Locale;

/**
 * Where and how to reach a resource's API server: host, port, the URL's path prefix, and the TLS
 * options (CA PEM, expected server name, verification off). Equal targets share a connection pool;
 * the token is deliberately not part of it.
 */
record UpstreamTarget(
    String url,
    String host,
    int port,
    String pathPrefix,
    String caCert,
    String serverName,
    boolean insecureSkipTlsVerify) {

  UpstreamTarget {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: " + host + " (expected: a host name or address)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  static UpstreamTarget of(SessionLookup lookup) {
    URI uri = URI.create(lookup.url());
    if (!"https".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "url: " + lookup.url() + " (expected: https://host[:port][/path])");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String host = uri.getHost();
    if (host != null && host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new UpstreamTarget(
        lookup.url(),
        host,
        uri.getPort() == -1 ? 443 : uri.getPort(),
        path,
        blankToNull(lookup.caCert()),
        blankToNull(lookup.serverName()),
        lookup.insecureSkipTlsVerify());
  }

  /** The Host header: as the URL wrote it, without a default port. */
  String authority() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return port == 443 ? h : h + ":" + port;
  }

  /** The name the certificate must carry (and the SNI): {@code serverName} or the URL's host. */
  String verifiedName() {
    return serverName != null ? serverName : host;
  }

  /** {@code https://host:port}, for messages. */
  String origin() {
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return "UpstreamTarget[" + url + "]";
  }
}
