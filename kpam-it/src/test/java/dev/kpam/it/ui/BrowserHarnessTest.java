package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the browser harness on its own, without kpam: Chromium, chromedriver and Selenium drive a
 * tiny page served on loopback port 0.
 */
final class BrowserHarnessTest {
  private static final String PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head><meta charset="utf-8"><title>harness</title></head>
      <body>
        <label for="name">Name</label> <input id="name">
        <button id="greet" type="button">Greet</button>
        <p id="greeting">nobody greeted yet</p>
        <script>
          document.getElementById('greet').addEventListener('click', () => {
            document.getElementById('greeting').textContent =
                'Hello, ' + document.getElementById('name').value + '!';
          });
        </script>
      </body>
      </html>
      """;

  private HttpServer server;

  @BeforeEach
  void servePage() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/page",
        exchange -> {
          byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void browserFillsAFieldClicksAButtonReadsTheResultAndWritesAScreenshot() throws IOException {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (Browser browser = Browser.start(base)) {
      browser.open("/page");
      assertThat(browser.text("#greeting")).isEqualTo("nobody greeted yet");

      browser.fill("name", "kpam");
      browser.click("greet");
      browser.waitForText("#greeting", "Hello, kpam!");

      assertThat(browser.path()).isEqualTo("/page");
      Path screenshot = browser.screenshot("harness");
      assertThat(screenshot).isEqualTo(Browser.SCREENSHOTS.resolve("harness.png"));
      byte[] png = Files.readAllBytes(screenshot);
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
  }
}
