package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How an exec, attach or port-forward went, from its {@code stream} event (docs/RECORDING.md §1):
 * the ports it forwarded, and the exit code of the command an exec ran, as the API server reported
 * it on the error channel ({@code null} when it did not: attach, port-forward, a stream cut).
 */
record StreamOutcome(List<String> ports, Integer exitCode) {
  StreamOutcome {
    ports = List.copyOf(ports);
  }

  static StreamOutcome of(JsonNode stream) {
    List<String> ports = new ArrayList<>();
    stream.path("ports").forEach(p -> ports.add(p.asText()));
    JsonNode exit = stream.path("exitCode");
    return new StreamOutcome(ports, exit.isInt() ? exit.asInt() : null);
  }
}
