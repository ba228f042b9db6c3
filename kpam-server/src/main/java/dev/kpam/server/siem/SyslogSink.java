package dev.kpam.server.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.transport.net.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Audit events as RFC 5424 syslog messages over TCP, each framed by octet counting (RFC 6587
 * §3.4.1: {@code LENGTH SP MESSAGE}), facility "log audit" (13); failures, refusals and
 * terminations are warnings, the rest notices. The message is the event's JSON. The connection is
 * kept and made again after a failure; a batch counts as taken once written and flushed.
 */
final class SyslogSink implements AuditStream.Sink {
  private static final int FACILITY_LOG_AUDIT = 13;
  private static final int WARNING = 4;
  private static final int NOTICE = 5;
  private static final int TIMEOUT_MS = 10_000;

  private final InetSocketAddress receiver;
  private final ObjectMapper json;
  private final String hostname = hostname();
  private final long pid = ProcessHandle.current().pid();
  private Socket socket;

  SyslogSink(String address, ObjectMapper json) {
    this.receiver = HostPort.parse("audit syslog address", address);
    this.json = json;
  }

  @Override
  public String name() {
    return "syslog";
  }

  @Override
  public synchronized void send(List<AuditStream.Event> events) throws IOException {
    try {
      if (socket == null || socket.isClosed()) {
        Socket fresh = new Socket();
        fresh.connect(
            new InetSocketAddress(receiver.getHostString(), receiver.getPort()), TIMEOUT_MS);
        fresh.setSoTimeout(TIMEOUT_MS);
        socket = fresh;
      }
      OutputStream out = socket.getOutputStream();
      for (AuditStream.Event event : events) {
        byte[] message = message(event).getBytes(StandardCharsets.UTF_8);
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
      }
      out.flush();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** {@code <PRI>1 TIMESTAMP HOSTNAME kpam PROCID MSGID - MSG} (RFC 5424 §6). */
  String message(AuditStream.Event event) {
    String action = event.action();
    boolean warning =
        action.contains("failed")
            || action.contains("refused")
            || action.contains("throttled")
            || action.contains("terminate");
    int pri = FACILITY_LOG_AUDIT * 8 + (warning ? WARNING : NOTICE);
    return "<"
        + pri
        + ">1 "
        + DateTimeFormatter.ISO_INSTANT.format(event.time())
        + " "
        + hostname
        + " kpam "
        + pid
        + " "
        + msgId(action)
        + " - "
        + AuditStream.json(json, event);
  }

  /** MSGID: 1-32 printable US-ASCII characters, no space. */
  private static String msgId(String action) {
    StringBuilder id = new StringBuilder();
    for (char c : action.toCharArray()) {
      if (id.length() == 32) break;
      id.append(c > 32 && c < 127 ? c : '_');
    }
    return id.length() == 0 ? "-" : id.toString();
  }

  private static String hostname() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.isBlank() || name.contains(" ") ? "-" : name.toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "-";
    }
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
