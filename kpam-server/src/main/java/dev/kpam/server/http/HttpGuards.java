package dev.kpam.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;

/**
 * What keeps the HTTP server standing under hostile or careless clients: per-endpoint body limits
 * checked before anything is buffered ({@link BodyLimits}), {@code {code, message}} answers for the
 * errors Jetty makes itself ({@link ErrorPages}), and a deadline for the request headers ({@link
 * HeaderDeadline}) on every connector.
 *
 * <pre>{@code
 * Javalin.create(javalin -> HttpGuards.install(javalin, json));
 * HttpGuards.guard(connector, Duration.ofSeconds(20));
 * }</pre>
 */
public final class HttpGuards {
  /**
   * Above the gateways' event stream keep-alive (a comment every 15 s), which must never look idle.
   */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private HttpGuards() {}

  /** Body limits and error pages; call inside {@code Javalin.create}. */
  public static void install(JavalinConfig javalin, ObjectMapper json) {
    ErrorPages errors = new ErrorPages(json);
    // Javalin's own check (on Content-Length only) stays as a backstop at the largest limit.
    javalin.http.maxRequestSize = BodyLimits.LARGEST;
    javalin.jetty.modifyServer(server -> server.setErrorHandler(errors));
    javalin.jetty.modifyServletContextHandler(
        context -> {
          context.setErrorHandler(errors);
          context.addFilter(
              new FilterHolder(new BodyLimits()), "/*", EnumSet.of(DispatcherType.REQUEST));
        });
  }

  /** The header deadline and idle timeout on a connector the server listens with. */
  public static ServerConnector guard(ServerConnector connector, Duration headerTimeout) {
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    connector.addBean(new HeaderDeadline(connector, headerTimeout));
    return connector;
  }
}
