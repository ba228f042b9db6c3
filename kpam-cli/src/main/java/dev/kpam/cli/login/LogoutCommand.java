package dev.kpam.cli.login;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiException;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.cli.api.ServerUnreachableException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code kpam logout}: revokes the saved token on the server and removes it locally. The local
 * token goes even when the server cannot be reached; the server and user name stay for the next
 * login.
 */
@Command(name = "logout", description = "Revoke the saved token and remove it from this machine.")
public final class LogoutCommand implements Callable<Integer> {
  private final CliEnvironment env;

  LogoutCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ConfigStore config = new ConfigStore(env.configDir());
    Optional<SavedLogin> saved = config.load().filter(login -> login.token() != null);
    if (saved.isEmpty()) {
      env.stdout().println("Not logged in.");
      env.stdout().flush();
      return 0;
    }
    SavedLogin login = saved.get();
    try {
      ApiClient.loggedIn(login).post("/api/v1/auth/logout", null, Void.class);
    } catch (ServerUnreachableException e) {
      warn(e.getMessage() + "; the token stays valid on the server until it expires");
    } catch (ApiException e) {
      if (e.status() != 401) {
        warn("the server did not revoke the token: " + e.getMessage());
      }
    } finally {
      config.save(login.withoutToken());
    }
    env.stdout().println("Logged out of " + login.server() + ".");
    env.stdout().flush();
    return 0;
  }

  private void warn(String message) {
    env.stderr().println("warning: " + message);
    env.stderr().flush();
  }
}
