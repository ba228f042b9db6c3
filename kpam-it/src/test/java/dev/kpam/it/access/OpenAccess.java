package dev.kpam.it.access;

import dev.kpam.cli.access.AccessSession;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One {@link KpamWorld} and one open access session (1 h) shared by a test class's tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenAccess {
  @TempDir static Path dir;
  KpamWorld world;
  AccessSession access;
  Path kubeconfig;

  @BeforeAll
  void openAccess() {
    world = KpamWorld.start(dir);
    kubeconfig = dir.resolve("kubeconfig");
    access = world.access("1h", kubeconfig);
  }

  @AfterAll
  void closeAccess() {
    if (access != null) access.close();
    if (world != null) world.close();
  }
}
