package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Everything the server logs during each test, for tests that prove a secret never reaches a log.
 *
 * <pre>{@code
 * @RegisterExtension final CapturedLogs logs = new CapturedLogs();
 * ...
 * logs.assertNoneContains(token);
 * }</pre>
 */
final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    appender.start();
    root().addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    root().detachAppender(appender);
    appender.stop();
  }

  /** Asserts that something was logged and that no logged message contains any of the texts. */
  void assertNoneContains(String... secrets) {
    assertThat(appender.list).as("log messages captured").isNotEmpty();
    assertThat(appender.list)
        .allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain(secrets));
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
