package dev.kpam.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {
  @TempDir Path temp;

  private final Instant now = Instant.parse("2026-11-28T12:00:00Z");
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  @Test
  void theDirectoryIsPrivateAndTheFileIsReadableOnlyByItsOwner() throws IOException {
    Path dir = temp.resolve("nested/.kpam");
    ConfigStore store = new ConfigStore(dir);

    store.save(new SavedLogin("http://localhost:1", "alice", "kpam_secret", now.plusSeconds(60)));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(store.file());
    }
  }

  @Test
  void whatIsSavedLoadsBackAndATokenlessLoginKeepsServerAndUser() {
    ConfigStore store = new ConfigStore(temp);
    SavedLogin login = new SavedLogin("http://localhost:1", "alice", "kpam_secret", now);

    store.save(login);
    assertThat(store.load()).contains(login);

    store.save(login.withoutToken());
    assertThat(store.load()).contains(new SavedLogin("http://localhost:1", "alice", null, null));
  }

  @Test
  void anExpiredTokenAsksForANewLoginWithServerAndUserFilledIn() {
    ConfigStore store = new ConfigStore(temp);
    store.save(new SavedLogin("http://localhost:1", "alice", "kpam_secret", now));

    assertThatThrownBy(() -> store.connect(clock))
        .isInstanceOf(CliException.class)
        .hasMessage(
            "your login has expired or was revoked; run: kpam login --server http://localhost:1"
                + " --user alice");
  }

  @Test
  void aBrokenFileIsReportedWithoutQuotingIt() throws IOException {
    ConfigStore store = new ConfigStore(temp);
    Files.writeString(store.file(), "{\"token\": kpam_secret_value");

    assertThatThrownBy(store::load)
        .isInstanceOf(CliException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageNotContaining("kpam_secret_value");
  }

  @Test
  void theTokenNeverAppearsInToString() {
    assertThat(new SavedLogin("s", "u", "kpam_secret", now).toString())
        .doesNotContain("kpam_secret");
  }
}
