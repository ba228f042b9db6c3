package dev.kpam.cli.login;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.cli.Browsers;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.protocol.auth.SsoStartRequest;
import dev.kpam.protocol.auth.SsoStartResponse;
import dev.kpam.protocol.auth.SsoTokenRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kpam login --sso}: signs in through the server's identity provider in the browser, the way
 * RFC 8252 has native apps do it. The CLI listens on a loopback port for the end of the sign-in,
 * asks the server to start it with that redirect and the S256 challenge of a verifier only it
 * holds, opens (or prints) the provider's URL, and redeems the hand-off code its loopback receives,
 * with the verifier, for the same kind of kpam token a password login gives. The provider's own
 * tokens never reach the CLI.
 */
final class SsoLogin {
  static final Duration WAIT = Duration.ofMinutes(5);
  private static final String PATH = "/callback";

  private SsoLogin() {}

  /** Runs the sign-in against {@code api}; returns the server's login answer. */
  static LoginResponse run(ApiClient api, CliEnvironment env) {
    String verifier = randomVerifier();
    CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
    HttpServer loopback = listen(answer);
    try {
      String redirect = "http://127.0.0.1:" + loopback.getAddress().getPort() + PATH;
      SsoStartResponse started =
          api.post(
              "/api/v1/auth/sso/start",
              new SsoStartRequest(redirect, challenge(verifier)),
              SsoStartResponse.class);
      env.stderr()
          .println(
              "Sign in with "
                  + started.provider()
                  + " in your browser. If it does not open, open this URL:\n  "
                  + started.authorizationUrl());
      env.stderr().flush();
      Browsers.open(env, started.authorizationUrl());
      Map<String, String> query = await(answer);
      if (query.containsKey("error")) {
        throw new CliException(
            "single sign-on failed: "
                + query.getOrDefault("error_description", query.get("error")));
      }
      String code = query.get("code");
      if (code == null || code.isBlank()) {
        throw new CliException("single sign-on failed: the browser brought back no code");
      }
      return api.post(
          "/api/v1/auth/sso/token", new SsoTokenRequest(code, verifier), LoginResponse.class);
    } finally {
      loopback.stop(0);
    }
  }

  private static HttpServer listen(CompletableFuture<Map<String, String>> answer) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    } catch (IOException e) {
      throw new CliException("cannot listen on a loopback port for the sign-in: " + e.getMessage());
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())
                || !PATH.equals(exchange.getRequestURI().getPath())
                || answer.isDone()) {
              respond(exchange, 404, "Not the kpam sign-in.");
              return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            respond(
                exchange,
                200,
                query.containsKey("error")
                    ? "kpam sign-in failed: "
                        + query.getOrDefault("error_description", query.get("error"))
                    : "Signed in to kpam. You can close this tab and go back to the terminal.");
            answer.complete(query);
          }
        });
    server.start();
    return server;
  }

  private static Map<String, String> await(CompletableFuture<Map<String, String>> answer) {
    try {
      return answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CliException(
          "no sign-in came back within "
              + WAIT.toMinutes()
              + " minutes; run kpam login --sso again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the sign-in");
    } catch (ExecutionException e) {
      throw new CliException("the sign-in failed: " + e.getCause());
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    String html =
        "<!doctype html><meta charset=utf-8><title>kpam</title><p id=kpam-sign-in>"
            + text.replace("&", "&amp;").replace("<", "&lt;")
            + "</p>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static String randomVerifier() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
