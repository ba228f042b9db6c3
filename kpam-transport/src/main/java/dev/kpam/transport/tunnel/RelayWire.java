package dev.kpam.transport.tunnel;

import java.nio.charset.StandardCharsets;

/**
 * The few plain-text lines of the client ⇄ relay protocol (DATA-PLANE.md §1): the dialer's hello,
 * then the relay's single status line, {@code KPAM/1 OK} or {@code KPAM/1 ERR <code> <message>}.
 *
 * <pre>{@code
 * channel.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.error(RelayWire.GATEWAY_OFFLINE, why)));
 * channel.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.ok()));
 * }</pre>
 */
public final class RelayWire {
  /**
   * What a dialer sends right after its TLS handshake, so the relay never mistakes it for a tunnel.
   */
  public static final String HELLO = "KPAM/1 DIAL\n";

  /** The longest status line a dialer accepts, newline included. */
  public static final int MAX_STATUS_LINE = 1024;

  public static final String GATEWAY_OFFLINE = "gateway_offline";
  public static final String SESSION_REFUSED = "session_refused";
  public static final String BAD_CERTIFICATE = "bad_certificate";
  public static final String INTERNAL = "internal";

  /** The session holds as many connections at the relay as it may; it may retry when one ends. */
  public static final String TOO_MANY_CONNECTIONS = "too_many_connections";

  static final String OK = "KPAM/1 OK";
  static final String ERR_PREFIX = "KPAM/1 ERR ";

  private RelayWire() {}

  public static byte[] hello() {
    return HELLO.getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] ok() {
    return (OK + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * {@code KPAM/1 ERR <code> <message>\n}; line breaks in {@code message} become spaces and it is
   * cut so that the line fits {@link #MAX_STATUS_LINE}.
   */
  public static byte[] error(String code, String message) {
    String oneLine = message.replaceAll("[\\r\\n]+", " ");
    String line = ERR_PREFIX + code + " " + oneLine;
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int max = MAX_STATUS_LINE - 1;
    if (bytes.length > max) {
      line = new String(bytes, 0, max, StandardCharsets.UTF_8);
      line = line.substring(0, line.length() - 1); // may have cut a multi-byte character
      bytes = line.getBytes(StandardCharsets.UTF_8);
    }
    byte[] withNewline = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
    withNewline[bytes.length] = '\n';
    return withNewline;
  }
}
