package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.api.Query;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "play",
    description =
        "Replay an exec or attach recording of a session in the terminal, with its timing.")
final class PlayRecordingCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(index = "0", paramLabel = "ID", description = "The session id.")
  String id;

  @Parameters(
      index = "1",
      paramLabel = "RECORDING",
      description = "The recording id (see: kpam sessions recordings ID).")
  String recording;

  @Option(
      names = "--speed",
      paramLabel = "X",
      description = "Speed multiplier: 2 plays twice as fast (default: 1).")
  double speed = 1;

  @Option(
      names = "--max-idle",
      paramLabel = "S",
      description = "Longest pause between two outputs, in seconds (default: 2).")
  double maxIdle = 2;

  private final CliEnvironment env;

  PlayRecordingCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    CastPlayer player =
        new CastPlayer(
            env.stdout(),
            env.stderr(),
            speed,
            Duration.ofMillis(Math.round(maxIdle * 1000)),
            Thread::sleep);
    String cast =
        api.client()
            .getText(
                SessionsCommand.path(id) + "/recordings/" + Query.encode(recording),
                "application/x-asciicast");
    player.play(cast);
    return 0;
  }
}
