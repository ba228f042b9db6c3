package dev.kpam.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a {@link TestServer} on the class's backend before each test and stops it after. */
abstract class ServerTestBase {
  private final Backend backend;
  protected TestServer server;

  ServerTestBase(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void startServer() {
    server = TestServer.start(backend);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }
}
