package dev.kpam.cli.login;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.SecretInput;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.auth.LoginRequest;
import dev.kpam.protocol.auth.LoginResponse;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kpam login}: exchanges a password, or a single sign-on in the browser ({@code --sso},
 * {@link SsoLogin}) or on another device ({@code --sso --device}, {@link DeviceLogin}), for an API
 * token and keeps it in {@code config.json}. A token saved earlier for the same server is revoked,
 * so that logins do not pile up tokens.
 */
@Command(
    name = "login",
    description = "Log in to a kpam server; the token is kept in the config directory.")
public final class LoginCommand implements Callable<Integer> {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "The kpam server, e.g. https://kpam.example.com (default: the last one).")
  String server;

  @Option(names = "--user", paramLabel = "NAME", description = "Your user name.")
  String user;

  @Option(
      names = "--ca-cert",
      paramLabel = "FILE",
      description =
          "PEM CA certificate(s) to trust for an HTTPS server with a private CA"
              + " (default: the one saved for this server, else the system's).")
  String caCertFile;

  @Option(
      names = "--sso",
      description =
          "Sign in through the server's identity provider in a browser (opened for you, or the URL"
              + " is printed for a machine without one; KPAM_BROWSER names the command to open it).")
  boolean sso;

  @Option(
      names = "--device",
      description =
          "With --sso, for a machine without a browser: sign in on another device (a phone, a"
              + " laptop) with the code shown, where the identity provider offers it.")
  boolean device;

  @Option(
      names = "--password-stdin",
      description = "Read the password from standard input instead of the terminal.")
  boolean passwordStdin;

  private final CliEnvironment env;

  LoginCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ConfigStore config = new ConfigStore(env.configDir());
    Optional<SavedLogin> previous = config.load();
    String url = ApiClient.checkServer(serverToUse(previous));
    String caCert = caCertToUse(previous, url);
    ApiClient api = ApiClient.anonymous(url, caCert);
    LoginResponse login;
    if (sso) {
      if (user != null || passwordStdin) {
        throw new CliException(
            "--sso signs in through the identity provider: drop --user and --password-stdin");
      }
      login = device ? DeviceLogin.run(api, env) : SsoLogin.run(api, env);
    } else if (device) {
      throw new CliException("--device signs in through the identity provider: add --sso");
    } else {
      String name = userToUse(previous, url);
      login =
          api.post(
              "/api/v1/auth/login",
              new LoginRequest(name, password(name, url)),
              LoginResponse.class);
    }
    config.save(new SavedLogin(url, login.user().name(), login.token(), login.expiresAt(), caCert));
    previous.ifPresent(earlier -> revoke(earlier, url, login.token()));
    env.stdout()
        .println(
            "Logged in to "
                + url
                + " as "
                + login.user().name()
                + " ("
                + login.user().role()
                + ")");
    env.stdout().flush();
    return 0;
  }

  private String caCertToUse(Optional<SavedLogin> previous, String url) {
    if (caCertFile == null) {
      return previous.filter(p -> url.equals(p.server())).map(SavedLogin::caCert).orElse(null);
    }
    String pem = new SecretInput(env).fileOrStdin("--ca-cert", caCertFile, "CA certificate");
    try {
      if (Pem.parseCertificates(pem).isEmpty()) {
        throw new IllegalArgumentException("no certificate");
      }
    } catch (IllegalArgumentException e) {
      throw new CliException("--ca-cert: " + caCertFile + " holds no PEM certificate");
    }
    return pem;
  }

  private String serverToUse(Optional<SavedLogin> previous) {
    if (server != null) {
      return server;
    }
    return previous
        .map(SavedLogin::server)
        .orElseThrow(() -> new CliException("no server given; use --server URL"));
  }

  private String userToUse(Optional<SavedLogin> previous, String url) {
    if (user != null) {
      return user;
    }
    return previous
        .filter(earlier -> url.equals(earlier.server()))
        .map(SavedLogin::user)
        .orElseThrow(() -> new CliException("no user given; use --user NAME"));
  }

  private String password(String name, String url) {
    if (passwordStdin) {
      return new SecretInput(env).stdin("password");
    }
    char[] typed = env.console().readPassword("Password for " + name + " at " + url + ": ");
    if (typed == null || typed.length == 0) {
      throw new CliException("no password given");
    }
    try {
      return new String(typed);
    } finally {
      Arrays.fill(typed, '\0');
    }
  }

  /** Best effort: the old token of the same server stops working; failures change nothing. */
  private static void revoke(SavedLogin earlier, String url, String current) {
    if (earlier.token() == null
        || !url.equals(earlier.server())
        || earlier.token().equals(current)) {
      return;
    }
    try {
      ApiClient.loggedIn(earlier).post("/api/v1/auth/logout", null, Void.class);
    } catch (CliException alreadyInvalidOrUnreachable) {
      // It expires on its own; the new login is what matters.
    }
  }
}
