package dev.kpam.cli.kubeconfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Kubeconfigs#install} did to a kubeconfig file, so that {@link Kubeconfigs#restore}
 * can undo exactly that: the file's bytes before and after, the entry name and the previous {@code
 * current-context}.
 *
 * <pre>{@code
 * KubeconfigChange change = Kubeconfigs.install(file, entry);
 * Kubeconfigs.restore(change);
 * }</pre>
 */
public final class KubeconfigChange {
  private final Path file;
  private final String name;
  private final String previousContext;
  private final byte[] original;
  private final byte[] written;

  KubeconfigChange(
      Path file, String name, String previousContext, byte[] original, byte[] written) {
    this.file = Objects.requireNonNull(file, "file");
    this.name = Objects.requireNonNull(name, "name");
    this.previousContext = previousContext;
    this.original = original == null ? null : original.clone();
    this.written = Objects.requireNonNull(written, "written").clone();
  }

  /** The kubeconfig file that was changed. */
  public Path file() {
    return file;
  }

  /** The name of the cluster, user and context that were added. */
  public String name() {
    return name;
  }

  /** {@code current-context} before the change, or null if the file had none. */
  public String previousContext() {
    return previousContext;
  }

  /** Whether the file did not exist before the change. */
  public boolean createdFile() {
    return original == null;
  }

  byte[] original() {
    return original == null ? null : original.clone();
  }

  boolean wrote(byte[] current) {
    return Arrays.equals(written, current);
  }

  @Override
  public String toString() {
    return "KubeconfigChange[file=" + file + ", name=" + name + "]";
  }
}
