package dev.kpam.server.siem;

import java.net.URI;

/**
 * Where every audit event (session ends included) is also sent, at least once and in order: {@code
 * httpUrl} gets them as JSON lines ({@code POST}, {@code application/x-ndjson}), {@code
 * syslogAddress} ({@code HOST:PORT}) as RFC 5424 messages over TCP with octet-counting framing (RFC
 * 6587). Either may be null.
 */
public record AuditStreamSettings(URI httpUrl, String syslogAddress) {
  public static final AuditStreamSettings NONE = new AuditStreamSettings(null, null);

  public AuditStreamSettings {
    if (httpUrl != null
        && !("http".equals(httpUrl.getScheme()) || "https".equals(httpUrl.getScheme()))) {
      throw new IllegalArgumentException(
          "audit HTTP URL: " + httpUrl + " (expected: an http:// or https:// URL)");
    }
    if (syslogAddress != null) {
      int colon = syslogAddress.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          int port = Integer.parseInt(syslogAddress.substring(colon + 1));
          ok = port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "audit syslog address: '" + syslogAddress + "' (expected: HOST:PORT)");
      }
    }
  }

  public boolean any() {
    return httpUrl != null || syslogAddress != null;
  }
}
