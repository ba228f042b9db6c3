package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The web UI over plain HTTP, the way a browser without JavaScript uses it: form posts, cookies
 * kept per name, redirects returned rather than followed.
 */
final class FormClient {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final URI base;
  final Map<String, String> cookies = new LinkedHashMap<>();

  FormClient(URI base) {
    this.base = base;
  }

  /** Signs in through the form and checks that it lands on the resources page. */
  static FormClient signedIn(TestServer server, String user, String password) {
    FormClient browser = new FormClient(server.server.url());
    Page form = browser.get("/ui/login").expect(200);
    browser
        .post("/ui/login", Map.of("_csrf", form.csrf(), "username", user, "password", password))
        .expectRedirect("/ui/resources");
    return browser;
  }

  Page get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Page post(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Page send(HttpRequest.Builder request) {
    String cookieHeader =
        cookies.entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("; "));
    if (!cookieHeader.isEmpty()) {
      request.header("Cookie", cookieHeader);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      List<String> setCookies = response.headers().allValues("Set-Cookie");
      for (String setCookie : setCookies) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new Page(response.statusCode(), response.body(), setCookies, response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer: status, HTML and the cookies it set. */
  record Page(int status, String html, List<String> setCookies, java.net.http.HttpHeaders headers) {
    Page expect(int expected) {
      assertThat(status).as("status of page %s", html).isEqualTo(expected);
      return this;
    }

    Page expectRedirect(String location) {
      assertThat(status).as("status of %s", html).isIn(302, 303);
      assertThat(headers.firstValue("Location")).contains(location);
      return this;
    }

    /** The URL in the page's first {@code hx-get}, as htmx would request it. */
    String hxGet() {
      Matcher matcher = Pattern.compile("hx-get=\"([^\"]+)\"").matcher(html);
      assertThat(matcher.find()).as("hx-get in %s", html).isTrue();
      return matcher.group(1).replace("&amp;", "&");
    }

    String csrf() {
      Matcher matcher = CSRF.matcher(html);
      assertThat(matcher.find()).as("a _csrf field in %s", html).isTrue();
      return matcher.group(1);
    }

    String setCookie(String name) {
      return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow();
    }
  }
}
