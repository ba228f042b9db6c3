package dev.kpam.cli.api;

import dev.kpam.cli.CliException;

/**
 * The server could not be reached at all (refused, unknown host, timeout): no answer, so nothing is
 * known about whether the request took effect.
 */
public final class ServerUnreachableException extends CliException {
  public ServerUnreachableException(String server, String why, Throwable cause) {
    super("cannot reach the kpam server at " + server + ": " + why, cause);
  }
}
