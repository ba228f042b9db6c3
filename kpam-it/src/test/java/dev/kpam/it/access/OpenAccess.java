package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kpam.cli.access.AccessSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One {@link KpamWorld} and one open access session (1 h) shared by a test class's tests. Every log
 * line that server, relay, gateway and CLI write meanwhile is kept, and the class fails if one of
 * them shows the stored token or the session's local token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenAccess {
  @TempDir static Path dir;
  KpamWorld world;
  AccessSession access;
  Path kubeconfig;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  void openAccess() {
    logs.start();
    root().addAppender(logs);
    world = KpamWorld.start(dir);
    kubeconfig = dir.resolve("kubeconfig");
    access = world.access("1h", kubeconfig);
  }

  @AfterAll
  void closeAccess() throws Exception {
    String localToken = localToken(kubeconfig);
    if (access != null) access.close();
    if (world != null) world.close();
    root().detachAppender(logs);
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      String line = event.getFormattedMessage() + " " + String.valueOf(event.getThrowableProxy());
      assertThat(line).doesNotContain(KpamWorld.STORED_TOKEN).doesNotContain(localToken);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** The per-session bearer token the CLI wrote into the kubeconfig. */
  static String localToken(Path kubeconfig) throws Exception {
    Matcher token = Pattern.compile("token: *\"?([^\"\\s]+)").matcher(Files.readString(kubeconfig));
    assertThat(token.find()).as("a token in " + kubeconfig).isTrue();
    return token.group(1);
  }
}
