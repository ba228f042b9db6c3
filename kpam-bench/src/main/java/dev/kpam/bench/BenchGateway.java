package dev.kpam.bench;

import dev.kpam.gateway.GatewayCommand;
import dev.kpam.gateway.record.SessionRecording;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * {@code kpam gateway} for {@link RecordingCost}: the same command and options, started from the
 * benchmark's class path, with its events recorded as always or (first argument {@code
 * --unrecorded}) dropped at the proxy, so that the two differ in nothing but the recording: no
 * spool writes, no uploads, nothing for the server to store. The product has no such switch.
 *
 * <pre>{@code
 * java -cp CLASSPATH dev.kpam.bench.BenchGateway --unrecorded --server URL --data-dir DIR
 * }</pre>
 */
public final class BenchGateway {
  static final String UNRECORDED = "--unrecorded";

  private BenchGateway() {}

  public static void main(String[] args) {
    boolean unrecorded = args.length > 0 && args[0].equals(UNRECORDED);
    UnaryOperator<dev.kpam.gateway.GatewayConfig> configure =
        unrecorded
            ? config -> config.withRecording(spool -> SessionRecording.NONE)
            : UnaryOperator.identity();
    String[] rest = unrecorded ? Arrays.copyOfRange(args, 1, args.length) : args;
    System.exit(new CommandLine(new GatewayCommand(configure)).execute(rest));
  }
}
