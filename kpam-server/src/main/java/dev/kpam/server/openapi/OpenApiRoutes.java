package dev.kpam.server.openapi;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI description of the REST API at {@code /api/v1/openapi.json}. */
public final class OpenApiRoutes {
  public static final String PATH = "/api/v1/openapi.json";
  private static final String RESOURCE = "/openapi/kpam-v1.json";

  private OpenApiRoutes() {}

  public static void register(Javalin app) {
    byte[] document = load();
    app.get(PATH, ctx -> ctx.contentType("application/json").result(document));
  }

  private static byte[] load() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
