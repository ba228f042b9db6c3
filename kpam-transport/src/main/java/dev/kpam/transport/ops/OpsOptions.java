package dev.kpam.transport.ops;

import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The operations flags {@code kpam server}, {@code kpam gateway} and {@code kpam relay} share (a
 * picocli mixin): where metrics and probes are served, and the log format. {@code --log-format}
 * takes effect before picocli runs (the {@code kpam} launcher reads it first, since the logging is
 * set up by the first logger); here it is checked and shown in the help.
 */
public final class OpsOptions {
  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      description =
          "Serve /metrics (Prometheus), /livez and /readyz here, e.g. 0.0.0.0:9090 (default: not"
              + " served).")
  String metricsAddress;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (the default) or json: one JSON object per log line.")
  void logFormat(String format) {
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException("--log-format: '" + format + "' (expected: text or json)");
    }
  }

  /** The metrics and probes server, or null when none was asked for. */
  public OpsServer start(ProcessMetrics metrics, Supplier<OpsServer.Readiness> readiness) {
    return metricsAddress == null ? null : OpsServer.start(metricsAddress, metrics, readiness);
  }

  /** {@code --metrics-address}, or null. */
  public String metricsAddress() {
    return metricsAddress;
  }
}
