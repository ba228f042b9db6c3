package dev.kpam.server.ui;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The UI's static files under {@code /ui/assets/}: its stylesheet and htmx from the WebJar on the
 * class path. Read once at start; nothing is fetched from the internet.
 */
final class Assets {
  private static final String HTMX_WEBJAR = "META-INF/resources/webjars/htmx.org/";

  private Assets() {}

  static void register(Javalin app) {
    Map<String, Asset> assets =
        Map.of(
            "kpam.css", new Asset("text/css; charset=utf-8", read("ui/assets/kpam.css")),
            "htmx.min.js",
                new Asset(
                    "text/javascript; charset=utf-8",
                    read(HTMX_WEBJAR + htmxVersion() + "/dist/htmx.min.js")));
    app.get(
        "/ui/assets/{file}",
        ctx -> {
          Asset asset = assets.get(ctx.pathParam("file"));
          if (asset == null) {
            ctx.status(404).contentType("text/plain").result("no such asset");
            return;
          }
          ctx.header("Cache-Control", "public, max-age=3600")
              .header("X-Content-Type-Options", "nosniff")
              .contentType(asset.contentType())
              .result(asset.bytes());
        });
  }

  private record Asset(String contentType, byte[] bytes) {}

  /** The WebJar's version, so that upgrading it is a change to the pom only. */
  private static String htmxVersion() {
    Properties properties = new Properties();
    try (InputStream in = resource("META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] read(String path) {
    try (InputStream in = resource(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = Assets.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("missing UI asset on the class path: " + path);
    }
    return in;
  }
}
