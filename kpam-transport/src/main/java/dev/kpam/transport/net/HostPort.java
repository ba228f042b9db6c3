package dev.kpam.transport.net;

import java.net.InetSocketAddress;

/**
 * Parses {@code host:port} and {@code [v6]:port} as kpam's flags and announcements give them (relay
 * addresses, {@code --metrics-address}, {@code --audit-syslog}); {@code what} names the value in
 * the message.
 */
public final class HostPort {
  private HostPort() {}

  public static InetSocketAddress parse(String what, String address) {
    String expected = " (expected: host:port with a port from 1 to 65535)";
    if (address == null) {
      throw new IllegalArgumentException(what + ": null" + expected);
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(what + ": '" + address + "'" + expected);
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": '" + address + "'" + expected);
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException(what + ": '" + address + "'" + expected);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
