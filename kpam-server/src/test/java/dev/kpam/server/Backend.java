package dev.kpam.server;

/** The two databases every server test runs on. */
public enum Backend {
  SQLITE,
  POSTGRESQL
}
