package dev.kpam.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.cli.CliException;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.ApiError;
import dev.kpam.protocol.ItemList;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of the kpam REST API ({@code docs/API.md}) for one server and, once logged in, one
 * bearer token. Error answers become {@link ApiException}s with the server's {@code code} and
 * message; a server that cannot be reached becomes a {@link ServerUnreachableException}. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * ApiClient api = ApiClient.loggedIn(savedLogin);
 * List<UserView> users = api.list("/api/v1/users", Query.empty(), UserView.class, Integer.MAX_VALUE);
 * }</pre>
 */
public final class ApiClient {
  /** The most a list endpoint answers at once ({@code docs/API.md}). */
  static final int PAGE_SIZE = 1000;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String server;
  private final String token;
  private final String reloginCommand;
  private final HttpClient http;
  private final ObjectMapper json;

  private ApiClient(String server, String token, String reloginCommand, String caCert) {
    this.server = stripTrailingSlash(server);
    this.token = token;
    this.reloginCommand = reloginCommand;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (caCert != null) {
      http.sslContext(trusting(caCert));
    }
    this.http = http.build();
    this.json = ApiJson.mapper();
  }

  /** A client without a token, for logging in; {@code caCert} (PEM) or null for the JDK's trust. */
  public static ApiClient anonymous(String server, String caCert) {
    return new ApiClient(checkServer(server), null, null, caCert);
  }

  /** A client without a token that trusts the JDK's default certificate authorities. */
  public static ApiClient anonymous(String server) {
    return anonymous(server, null);
  }

  /** TLS that trusts exactly the given CA certificates (a server with a private CA). */
  static SSLContext trusting(String caCertPem) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(KeyStores.trustStore(Pem.parseCertificates(caCertPem)));
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS with the saved CA certificate", e);
    }
  }

  /**
   * A client with the saved token; a 401 answer then means the login expired or was revoked and
   * says how to log in again.
   */
  public static ApiClient loggedIn(SavedLogin login) {
    return new ApiClient(
        checkServer(login.server()), login.token(), login.loginCommand(), login.caCert());
  }

  /** The server's base URL, without a trailing slash. */
  public String server() {
    return server;
  }

  /**
   * Checks that {@code server} is an absolute {@code http} or {@code https} URL and returns it
   * without a trailing slash.
   */
  public static String checkServer(String server) {
    URI uri;
    try {
      uri = new URI(server);
    } catch (Exception e) {
      throw new CliException(
          "server: " + server + " (expected: a URL such as https://kpam.example.com)");
    }
    if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new CliException(
          "server: " + server + " (expected: a URL such as https://kpam.example.com)");
    }
    return stripTrailingSlash(server);
  }

  public <T> T get(String path, Class<T> type) {
    return send("GET", path, null, json.constructType(type));
  }

  /** GET of a text answer that is not JSON (an asciicast recording), decoded as UTF-8. */
  public String getText(String path, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", accept + ", application/json")
            .header("User-Agent", "kpam-cli")
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response = exchange(request.build());
    if (response.statusCode() >= 200 && response.statusCode() < 300) {
      return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
    throw error(response);
  }

  public <T> T post(String path, Object body, Class<T> type) {
    return send("POST", path, body, json.constructType(type));
  }

  public <T> T patch(String path, Object body, Class<T> type) {
    return send("PATCH", path, body, json.constructType(type));
  }

  /** DELETE; {@code type} may be {@code Void.class} for a 204 answer. */
  public <T> T delete(String path, Class<T> type) {
    return send("DELETE", path, null, json.constructType(type));
  }

  /**
   * All items of a list endpoint, at most {@code max}, fetched page by page with {@code limit} and
   * {@code offset}.
   */
  public <T> List<T> list(String path, Query query, Class<T> itemType, int max) {
    JavaType pageType = json.getTypeFactory().constructParametricType(ItemList.class, itemType);
    List<T> items = new ArrayList<>();
    while (items.size() < max) {
      int limit = Math.min(PAGE_SIZE, max - items.size());
      ItemList<T> page =
          send(
              "GET",
              path + query.with("limit", limit).with("offset", items.size()),
              null,
              pageType);
      items.addAll(page.items());
      if (page.items().size() < limit) {
        break;
      }
    }
    return items;
  }

  private <T> T send(String method, String path, Object body, JavaType type) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .header("User-Agent", "kpam-cli");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, BodyPublishers.ofByteArray(toJson(body)));
    }
    HttpResponse<byte[]> response = exchange(request.build());
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (status == 204 || response.body().length == 0 || type.getRawClass() == Void.class) {
        return null;
      }
      return fromJson(response.body(), type, method, path);
    }
    throw error(response);
  }

  private HttpResponse<byte[]> exchange(HttpRequest request) {
    try {
      return http.send(request, BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new ServerUnreachableException(server, "connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw new ServerUnreachableException(
          server, "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      boolean unknownHost = causedBy(e, UnresolvedAddressException.class);
      throw new ServerUnreachableException(
          server, unknownHost ? "unknown host" : "connection refused", e);
    } catch (SSLHandshakeException e) {
      throw new ServerUnreachableException(
          server,
          "its TLS certificate is not trusted; if it comes from a private CA, log in with"
              + " --ca-cert FILE",
          e);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ServerUnreachableException(server, why, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the kpam server", e);
    }
  }

  private ApiException error(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    ApiError error = parseError(response.body());
    if (status == 401 && token != null) {
      return new ApiException(
          status,
          error == null ? "unauthenticated" : error.code(),
          "your login has expired or was revoked; run: " + reloginCommand);
    }
    if (error == null) {
      return new ApiException(
          status, "http_" + status, "the kpam server answered HTTP " + status + " without details");
    }
    return new ApiException(status, error.code(), error.message());
  }

  private ApiError parseError(byte[] body) {
    try {
      ApiError error = json.readValue(body, ApiError.class);
      return error == null || error.code() == null || error.message() == null ? null : error;
    } catch (IOException e) {
      return null;
    }
  }

  private byte[] toJson(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + body.getClass().getSimpleName(), e);
    }
  }

  private <T> T fromJson(byte[] body, JavaType type, String method, String path) {
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw new CliException(
          "the kpam server's answer to "
              + method
              + " "
              + path
              + " is not the expected JSON ("
              + type.getRawClass().getSimpleName()
              + "); are client and server versions compatible?",
          e);
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String stripTrailingSlash(String url) {
    String stripped = url.strip();
    while (stripped.endsWith("/")) {
      stripped = stripped.substring(0, stripped.length() - 1);
    }
    return stripped;
  }
}
