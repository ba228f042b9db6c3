package dev.kpam.it.access;

import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code kpam.jar} in a process of its own, as a person runs it: its own config directory and home,
 * no terminal on standard input.
 *
 * <pre>{@code
 * Process access = KpamProcess.access(world, dir, "alice", token, kubeconfig, Map.of(), "--mfa-code", code);
 * }</pre>
 */
public final class KpamProcess {
  private KpamProcess() {}

  /** {@code kpam ARGS} with {@code config} as its config directory and {@code dir/home} as home. */
  public static ProcessBuilder builder(Path dir, Path config, String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-jar", KpamWorld.KPAM_JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
  }

  /**
   * {@code kpam k8s access --resource prod --account admin --duration 10m} as {@code user} (logged
   * in with {@code token}), writing {@code kubeconfig}; {@code env} and {@code extra} flags on top.
   */
  public static Process access(
      KpamWorld world,
      Path dir,
      String user,
      String token,
      Path kubeconfig,
      Map<String, String> env,
      String... extra)
      throws Exception {
    return access(world.serverUrl(), dir, user, token, kubeconfig, env, extra);
  }

  /**
   * Like {@link #access(KpamWorld, Path, String, String, Path, Map, String...)}, at {@code server}.
   */
  public static Process access(
      URI server,
      Path dir,
      String user,
      String token,
      Path kubeconfig,
      Map<String, String> env,
      String... extra)
      throws Exception {
    Path config = dir.resolve(user + "-config");
    new ConfigStore(config).save(new SavedLogin(server.toString(), user, token, null));
    List<String> args =
        new ArrayList<>(
            List.of(
                "k8s",
                "access",
                "--resource",
                "prod",
                "--account",
                "admin",
                "--duration",
                "10m",
                "--kubeconfig-out",
                kubeconfig.toString()));
    args.addAll(List.of(extra));
    ProcessBuilder builder = builder(dir, config, args.toArray(String[]::new));
    builder.environment().putAll(env);
    return builder.start();
  }
}
