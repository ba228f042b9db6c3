package dev.kpam.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RelayCommandTest {
  @TempDir Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = new CommandLine(new RelayCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void withoutAnEnrolledIdentityTheRelaySaysHowToEnroll() {
    int exitCode = run("--data-dir", dataDir.toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "no enrolled relay in "
                + dataDir.toAbsolutePath()
                + "; register it with 'kpam relays create NAME', then start once with --server URL"
                + " --enroll-token TOKEN\n");
  }

  @Test
  void anEnrollmentTokenNeedsTheServer() {
    int exitCode = run("--data-dir", dataDir.toString(), "--enroll-token", "kpre_x");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--server is needed with --enroll-token\n");
  }

  @Test
  void theOldFileBasedModeIsGone() {
    int exitCode = run("--tls-cert", "relay.pem", "--tls-key", "key.pem");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown options: '--tls-cert'");
  }

  @Test
  void aConnectionLimitBelowOneIsAnErrorNamingTheLimit() {
    int exitCode = run("--data-dir", dataDir.toString(), "--max-connections-per-session", "0");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("error: maxConnectionsPerSession: 0 (expected: at least 1)\n");
  }
}
