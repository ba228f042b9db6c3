package dev.kpam.testing.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The throwables some classes log while a fuzz case runs: those that never throw (they log and give
 * up instead) would hide a crash from the fuzzer otherwise. Their loggers go to DEBUG and to this
 * only (not the console) until {@link #close()}.
 *
 * <pre>{@code
 * try (LoggedThrowables logged = LoggedThrowables.of(SpdyStreams.class)) {
 *   ...; assertThat(logged.throwables()).isEmpty();
 * }
 * }</pre>
 */
public final class LoggedThrowables implements AutoCloseable {
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LoggedThrowables(Class<?>... classes) {
    appender.start();
    for (Class<?> type : classes) {
      Logger logger = (Logger) LoggerFactory.getLogger(type);
      loggers.add(logger);
      levels.add(logger.getLevel());
      logger.setLevel(Level.DEBUG);
      logger.setAdditive(false);
      logger.addAppender(appender);
    }
  }

  public static LoggedThrowables of(Class<?>... classes) {
    return new LoggedThrowables(classes);
  }

  /** What was logged with a throwable, in order. */
  public List<Throwable> throwables() {
    List<Throwable> found = new ArrayList<>();
    for (ILoggingEvent event : appender.list) {
      if (event.getThrowableProxy() instanceof ThrowableProxy proxy) {
        found.add(proxy.getThrowable());
      }
    }
    return found;
  }

  @Override
  public void close() {
    for (int i = 0; i < loggers.size(); i++) {
      Logger logger = loggers.get(i);
      logger.detachAppender(appender);
      logger.setAdditive(true);
      logger.setLevel(levels.get(i));
    }
    appender.stop();
  }
}
