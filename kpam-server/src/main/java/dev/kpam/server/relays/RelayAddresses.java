package dev.kpam.server.relays;

import dev.kpam.server.http.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code host:port}s a relay is reached at, checked, and split into the DNS names and IP
 * addresses its certificate names.
 */
record RelayAddresses(List<String> addresses, List<String> dnsNames, List<String> ipAddresses) {
  static final int MAX = 16;
  private static final Pattern DNS_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String EXPECTED = "HOST:PORT, e.g. relay.example.com:7443 or [fd00::7]:7443";

  static RelayAddresses parse(String field, List<String> given) {
    List<String> addresses = given == null ? List.of() : given;
    if (addresses.size() > MAX) {
      throw ApiException.invalid(field, addresses.size() + " addresses", "at most " + MAX);
    }
    List<String> dnsNames = new ArrayList<>();
    List<String> ipAddresses = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      String host = host(field + "[" + i + "]", addresses.get(i));
      List<String> names = isIpLiteral(host) ? ipAddresses : dnsNames;
      if (!names.contains(host)) {
        names.add(host);
      }
    }
    return new RelayAddresses(List.copyOf(addresses), dnsNames, ipAddresses);
  }

  /** Comma-separated, as stored in {@code relays.addresses}. */
  String stored() {
    return String.join(",", addresses);
  }

  static List<String> fromStored(String stored) {
    return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(","));
  }

  private static String host(String field, String address) {
    URI uri;
    try {
      uri = address == null || address.contains(",") ? null : new URI("tcp://" + address);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || uri.getPort() < 1
        || uri.getPort() > 65535
        || uri.getRawPath() == null
        || !uri.getRawPath().isEmpty()
        || uri.getRawUserInfo() != null) {
      throw ApiException.invalid(field, "'" + address + "'", EXPECTED);
    }
    String host = uri.getHost();
    if (host.startsWith("[")) {
      return host.substring(1, host.length() - 1);
    }
    if (!IPV4.matcher(host).matches() && !DNS_NAME.matcher(host).matches()) {
      throw ApiException.invalid(field, "'" + address + "'", EXPECTED + " (lower-case host name)");
    }
    return host;
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || IPV4.matcher(host).matches();
  }
}
