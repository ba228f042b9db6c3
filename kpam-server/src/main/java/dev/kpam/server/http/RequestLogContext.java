package dev.kpam.server.http;

import io.javalin.Javalin;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Names each HTTP request in the log: {@code requestId} in the MDC while the request is handled
 * (what {@code --log-format json} prints beside every line the request causes), and {@code
 * X-Request-Id} on the answer, so that a person can quote it.
 */
public final class RequestLogContext {
  public static final String KEY = "requestId";

  private RequestLogContext() {}

  public static void install(Javalin app) {
    app.before(
        ctx -> {
          String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
          MDC.put(KEY, id);
          ctx.header("X-Request-Id", id);
        });
    app.after(ctx -> MDC.remove(KEY));
  }
}
