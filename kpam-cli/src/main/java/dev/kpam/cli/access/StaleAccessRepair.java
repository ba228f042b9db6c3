package dev.kpam.cli.access;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.Query;
import dev.kpam.cli.kubeconfig.Kubeconfigs;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionView;
import java.nio.file.Path;

/**
 * Cleans up after {@code kpam k8s access} runs that were killed (SIGKILL, power loss): for each
 * state file whose process is gone, removes that run's kubeconfig entries, puts back the previous
 * context if it is still switched, ends the session at the server if possible, and deletes the
 * state file. Never fails; costs one directory check when there is nothing to do.
 *
 * <pre>{@code
 * StaleAccessRepair.run(env); // at the start of every kpam command
 * }</pre>
 */
public final class StaleAccessRepair {
  private StaleAccessRepair() {}

  public static void run(CliEnvironment env) {
    try {
      AccessStates states = new AccessStates(env.configDir());
      for (AccessState state : states.list()) {
        if (state.ownerIsGone()) {
          repair(env, states, state);
        }
      }
    } catch (RuntimeException e) {
      env.stderr().println("warning: cannot clean up after earlier access sessions: " + e);
      env.stderr().flush();
    }
  }

  private static void repair(CliEnvironment env, AccessStates states, AccessState state) {
    if (state.kubeconfig() != null) {
      Kubeconfigs.remove(
          Path.of(state.kubeconfig()),
          state.entryName(),
          state.previousContext(),
          state.createdKubeconfig());
    }
    try {
      new ConfigStore(env.configDir())
          .connect(env.clock())
          .post(
              "/api/v1/sessions/" + Query.encode(state.sessionId()) + "/end",
              new EndSessionRequest("the kpam CLI was stopped"),
              SessionView.class);
    } catch (RuntimeException e) {
      // already over, not logged in, or server unreachable: the session expires anyway
    }
    states.delete(state.sessionId());
    env.stderr()
        .println(
            "kpam: cleaned up after the interrupted access session "
                + state.sessionId()
                + (state.kubeconfig() == null ? "" : " (kubeconfig " + state.kubeconfig() + ")"));
    env.stderr().flush();
  }
}
