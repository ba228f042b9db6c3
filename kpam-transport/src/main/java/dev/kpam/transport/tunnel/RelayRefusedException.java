package dev.kpam.transport.tunnel;

import java.io.IOException;

/**
 * The relay answered {@code KPAM/1 ERR <code> <message>}: it will not connect this session. The
 * {@link #getMessage() message} is written for people, e.g. {@code the relay refused: gateway dc1
 * is not connected to the relay}.
 *
 * <pre>{@code
 * catch (RelayRefusedException e) { if (e.code().equals("session_refused")) ... }
 * System.err.println(e.getMessage());
 * }</pre>
 */
public final class RelayRefusedException extends IOException {
  private final String code;
  private final String reason;

  public RelayRefusedException(String code, String reason) {
    super("the relay refused: " + (reason.isBlank() ? code : reason));
    this.code = code;
    this.reason = reason;
  }

  /** The machine-readable code: {@code gateway_offline}, {@code session_refused}, … */
  public String code() {
    return code;
  }

  /** The relay's own words, without the {@code the relay refused:} prefix. */
  public String reason() {
    return reason;
  }
}
