package dev.kpam.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.gateway.session.SessionDeniedException;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

class ServerSessionDirectoryTest {
  @Test
  void anAnswerThatCameAtOnceIsNotKeptAsTheAnswerForever() {
    // A fast server (or a loaded machine that paused the asking thread) answers before the lookup
    // has finished setting itself up: the next lookup must still ask the server again.
    AnsweringAtOnce http =
        new AnsweringAtOnce(
            403,
            "{\"code\":\"session_terminated\",\"message\":\"access revoked: user u disabled\"}");
    ServerSessionDirectory directory =
        new ServerSessionDirectory(
            new ControlPlaneClient(URI.create("http://127.0.0.1:9"), http, () -> "token"),
            Clock.systemUTC(),
            Duration.ofSeconds(10));

    for (int i = 1; i <= 3; i++) {
      assertThatThrownBy(() -> directory.lookup("s-1").toCompletableFuture().join())
          .hasCauseInstanceOf(SessionDeniedException.class)
          .hasMessageContaining("kpam session s-1 was terminated");
      assertThat(http.asked).hasValue(i);
    }
  }

  /** An HTTP client whose every answer is already complete when {@code sendAsync} returns. */
  private static final class AnsweringAtOnce extends HttpClient {
    final AtomicInteger asked = new AtomicInteger();
    private final int status;
    private final String body;

    AnsweringAtOnce(int status, String body) {
      this.status = status;
      this.body = body;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      asked.incrementAndGet();
      return CompletableFuture.completedFuture((HttpResponse<T>) response(request));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request,
        HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException {
      throw new IOException("only sendAsync here");
    }

    private HttpResponse<String> response(HttpRequest request) {
      return new HttpResponse<>() {
        @Override
        public int statusCode() {
          return status;
        }

        @Override
        public HttpRequest request() {
          return request;
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
          return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
          return HttpHeaders.of(
              Map.of("content-type", List.of("application/json")), (a, b) -> true);
        }

        @Override
        public String body() {
          return body;
        }

        @Override
        public Optional<SSLSession> sslSession() {
          return Optional.empty();
        }

        @Override
        public URI uri() {
          return request.uri();
        }

        @Override
        public HttpClient.Version version() {
          return HttpClient.Version.HTTP_1_1;
        }
      };
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      return null;
    }

    @Override
    public SSLParameters sslParameters() {
      return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }
}
