package dev.kpam.cli.access;

import dev.kpam.cli.api.ApiJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The {@link AccessState} files in {@code <configDir>/access}, one per running session. */
final class AccessStates {
  private final Path dir;

  AccessStates(Path configDir) {
    this.dir = configDir.resolve("access");
  }

  Path file(String sessionId) {
    return dir.resolve(sessionId + ".json");
  }

  void write(AccessState state) {
    try {
      Files.createDirectories(dir);
      Path temporary = Files.createTempFile(dir, ".state-", ".tmp"); // mode 0600
      try {
        Files.write(temporary, ApiJson.mapper().writeValueAsBytes(state));
        Files.move(
            temporary,
            file(state.sessionId()),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(state.sessionId()), e);
    }
  }

  void delete(String sessionId) {
    try {
      Files.deleteIfExists(file(sessionId));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(sessionId), e);
    }
  }

  /** The states on disk; unreadable files are skipped. Cheap when there are none. */
  List<AccessState> list() {
    List<AccessState> states = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return states;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        try {
          states.add(ApiJson.mapper().readValue(file.toFile(), AccessState.class));
        } catch (IOException | RuntimeException e) {
          // not ours to judge; leave it for a person to look at
        }
      }
    } catch (IOException e) {
      return states;
    }
    return states;
  }
}
