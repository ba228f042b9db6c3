package dev.kpam.server.siem;

import dev.kpam.transport.net.HostPort;
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
      HostPort.parse("audit syslog address", syslogAddress);
    }
  }

  public boolean any() {
    return httpUrl != null || syslogAddress != null;
  }
}
