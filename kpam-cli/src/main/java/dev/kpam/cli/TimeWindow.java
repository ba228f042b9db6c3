package dev.kpam.cli;

import dev.kpam.cli.api.Query;
import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * The {@code --since}, {@code --until} and {@code --limit} options of the list commands over time
 * (sessions, audit events).
 *
 * <pre>{@code
 * @Mixin TimeWindow window;
 * api.client().list(path, window.applyTo(query), View.class, window.limit);
 * }</pre>
 */
public final class TimeWindow {
  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = TimeArgument.class,
      description = "Only from TIME on (2026-11-28T12:00:00Z, 2026-11-28, or 2h for 2 hours ago).")
  Instant since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      converter = TimeArgument.class,
      description = "Only before TIME.")
  Instant until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      converter = LimitArgument.class,
      description = "Show at most N (default ${DEFAULT-VALUE}).")
  public int limit;

  /** The query with this window's time bounds added. */
  public Query applyTo(Query query) {
    return query.with("since", since).with("until", until);
  }
}
