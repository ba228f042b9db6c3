package dev.kpam.testing.kube;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request exactly as {@link FakeKubeApiServer} received it, before authentication: method, path
 * with query, every header (names lower-cased, values in arrival order), and the protocol it came
 * over ({@code HTTP/1.1}, or {@code HTTP/2} for a stream of an HTTP/2 connection).
 *
 * <pre>{@code
 * RecordedRequest last = server.requests().get(server.requests().size() - 1);
 * assertThat(last.header("impersonate-user")).isEqualTo("alice");
 * }</pre>
 */
public record RecordedRequest(
    String method, String uri, Map<String, List<String>> headers, String protocol) {
  public static final String HTTP_1_1 = "HTTP/1.1";
  public static final String HTTP_2 = "HTTP/2";

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  public RecordedRequest(String method, String uri, Map<String, List<String>> headers) {
    this(method, uri, headers, HTTP_1_1);
  }

  /** The first value of {@code name} (case-insensitive), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The path without the query. */
  public String path() {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }
}
