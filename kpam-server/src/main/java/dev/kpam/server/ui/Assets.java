package dev.kpam.server.ui;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The UI's static files under {@code /ui/assets/}: every file of {@code ui/assets/} on the class
 * path (the stylesheet, kpam's scripts, files the build copies there) and htmx from its WebJar.
 * Each is read once, on first use; nothing is fetched from the internet.
 */
final class Assets {
  private static final String HTMX_WEBJAR = "META-INF/resources/webjars/htmx.org/";
  private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*\\.(css|js|wasm)");
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "wasm", "application/wasm");

  private Assets() {}

  static void register(Javalin app) {
    Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();
    app.get(
        "/ui/assets/{file}",
        ctx -> {
          String file = ctx.pathParam("file");
          Optional<byte[]> bytes =
              FILE_NAME.matcher(file).matches()
                  ? cache.computeIfAbsent(file, Assets::load)
                  : Optional.empty();
          if (bytes.isEmpty()) {
            ctx.status(404).contentType("text/plain").result("no such asset");
            return;
          }
          ctx.header("Cache-Control", "public, max-age=3600")
              .header("X-Content-Type-Options", "nosniff")
              .contentType(CONTENT_TYPES.get(file.substring(file.lastIndexOf('.') + 1)))
              .result(bytes.get());
        });
  }

  private static Optional<byte[]> load(String file) {
    String path =
        file.equals("htmx.min.js")
            ? HTMX_WEBJAR + htmxVersion() + "/dist/htmx.min.js"
            : "ui/assets/" + file;
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The WebJar's version, so that upgrading it is a change to the pom only. */
  private static String htmxVersion() {
    Properties properties = new Properties();
    String path = "META-INF/maven/org.webjars.npm/htmx.org/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing UI asset on the class path: " + path);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}
