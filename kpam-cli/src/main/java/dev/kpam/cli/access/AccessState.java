package dev.kpam.cli.access;

import java.time.Instant;
import java.util.Objects;

/**
 * What a running {@code kpam k8s access} must undo, written to {@code
 * <configDir>/access/<sessionId>.json} before it touches the kubeconfig, so that a later command
 * can clean up after a killed run.
 *
 * @param kubeconfig the changed kubeconfig; null with {@code --kubeconfig-out}
 * @param previousContext {@code current-context} before the change; null if there was none
 * @param createdKubeconfig whether the kubeconfig did not exist before
 * @param processStart when process {@code pid} started (guards against pid reuse); may be null
 */
record AccessState(
    String sessionId,
    String kubeconfig,
    String entryName,
    String previousContext,
    boolean createdKubeconfig,
    long pid,
    Instant processStart) {
  AccessState {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(entryName, "entryName");
  }

  /** Whether the process that wrote this state is gone. */
  boolean ownerIsGone() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            process ->
                processStart == null
                    || process.info().startInstant().map(processStart::equals).orElse(true))
        .isEmpty();
  }
}
