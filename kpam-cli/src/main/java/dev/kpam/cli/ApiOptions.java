package dev.kpam.cli;

import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiJson;
import dev.kpam.cli.api.ConfigStore;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The part every command that talks to the server shares: {@code -o json|table}, the client for the
 * saved login, and printing in the chosen format. Used as a picocli mixin.
 *
 * <pre>{@code
 * @Mixin ApiOptions api;
 * api.printList(api.client().list("/api/v1/users", Query.empty(), UserView.class, ALL), TABLE);
 * }</pre>
 */
public final class ApiOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: table (default) or json.")
  OutputFormat output = OutputFormat.TABLE;

  private final CliEnvironment env;

  ApiOptions(CliEnvironment env) {
    this.env = env;
  }

  /** A client for the saved login; fails with "not logged in; run: …" without one. */
  public ApiClient client() {
    return client(env);
  }

  /** The same as {@link #client()}, for commands that print nothing to format. */
  public static ApiClient client(CliEnvironment env) {
    return new ConfigStore(env.configDir()).connect(env.clock());
  }

  public boolean json() {
    return output == OutputFormat.JSON;
  }

  public PrintWriter out() {
    return env.stdout();
  }

  /** A JSON array of the items, or the table. */
  public <T> void printList(List<? extends T> items, Table<T> table) {
    if (json()) {
      printJson(items);
    } else {
      table.print(env.stdout(), items);
    }
  }

  /** The object as JSON, or as a one-row table. */
  public <T> void printOne(T item, Table<T> table) {
    printOne(item, out -> table.print(out, List.of(item)));
  }

  /** The object as JSON, or as {@code text} writes it. */
  public void printOne(Object item, Consumer<PrintWriter> text) {
    if (json()) {
      printJson(item);
    } else {
      text.accept(env.stdout());
      env.stdout().flush();
    }
  }

  private void printJson(Object value) {
    try {
      env.stdout().println(ApiJson.pretty().writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    env.stdout().flush();
  }
}
