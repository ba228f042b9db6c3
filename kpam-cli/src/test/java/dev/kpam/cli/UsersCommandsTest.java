package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code kpam users update|delete} refuse before any request (the real server is used in
 * kpam-it's CliUsersAgainstServerTest).
 */
class UsersCommandsTest {
  @TempDir Path configDir;

  private CliRunner cli() {
    return new CliRunner(configDir, Clock.systemUTC());
  }

  @Test
  void disableAndEnableTogetherAreAUsageError() {
    CliRunner.Result result = cli().run("users", "update", "bob", "--disable", "--enable");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--disable", "--enable").contains("mutually exclusive");
  }

  @Test
  void anUpdateWithoutOptionsSaysWhatItCouldChange() {
    CliRunner.Result result = cli().run("users", "update", "bob");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: nothing to change; give one or more of --role, --disable, --enable,"
                + " --password-stdin\n");
  }

  @Test
  void noOptionTakesThePasswordItself() {
    CliRunner.Result result = cli().run("users", "update", "bob", "--password", "secret-secret");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown options: '--password', 'secret-secret'");
  }

  @Test
  void updateAndDeleteNeedTheUserName() {
    for (String command : java.util.List.of("update", "delete")) {
      CliRunner.Result result = cli().run("users", command);

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("Missing required parameter: 'NAME'");
    }
  }
}
