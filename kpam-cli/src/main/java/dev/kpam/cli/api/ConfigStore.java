package dev.kpam.cli.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kpam.cli.CliException;
import dev.kpam.crypto.secrets.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code <configDir>/config.json}, which holds the {@link SavedLogin}. The directory is created
 * with mode 0700 and the file is replaced atomically by a temporary file of mode 0600, so the token
 * is never readable by others, not even for a moment.
 *
 * <pre>{@code
 * ConfigStore config = new ConfigStore(env.configDir());
 * ApiClient api = config.connect(env.clock());   // or "not logged in; run: kpam login …"
 * }</pre>
 */
public final class ConfigStore {
  private final Path dir;
  private final Path file;

  public ConfigStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("config.json");
  }

  public Path file() {
    return file;
  }

  /** The saved login, or empty when there is no config file yet. */
  public Optional<SavedLogin> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return Optional.ofNullable(ApiJson.mapper().readValue(bytes, SavedLogin.class));
    } catch (IOException e) {
      throw new CliException(
          file + " is not valid JSON" + where(e) + "; delete it and log in again", e);
    }
  }

  /** Replaces the config file (0600) atomically; creates the directory or tightens it to 0700. */
  public void save(SavedLogin login) {
    try {
      PrivateFiles.directory(dir);
      PrivateFiles.replace(
          file,
          ApiJson.pretty().writeValueAsString(login).concat("\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client for the saved login.
   *
   * @throws CliException when not logged in, or when the saved token has expired by {@code clock}
   */
  public ApiClient connect(Clock clock) {
    SavedLogin login = load().orElse(new SavedLogin(null, null, null, null));
    if (login.token() == null || login.server() == null) {
      throw new CliException("not logged in; run: " + login.loginCommand());
    }
    if (login.expiresAt() != null && !clock.instant().isBefore(login.expiresAt())) {
      throw new CliException("your login has expired or was revoked; run: " + login.loginCommand());
    }
    return ApiClient.loggedIn(login);
  }

  /** Where the JSON is broken, without quoting it: the file holds a token. */
  private static String where(IOException e) {
    if (e instanceof JsonProcessingException json && json.getLocation() != null) {
      return " (line "
          + json.getLocation().getLineNr()
          + ", column "
          + json.getLocation().getColumnNr()
          + ")";
    }
    return "";
  }
}
