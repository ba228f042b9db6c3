package dev.kpam.cli;

import java.io.IOException;
import java.util.List;

/** Opening a page in the person's browser: single sign-on, a passkey confirmation. */
public final class Browsers {
  /** The command that opens a URL, for machines where the desktop's opener is not wanted. */
  public static final String VARIABLE = "KPAM_BROWSER";

  private Browsers() {}

  /**
   * Opens the URL with {@code KPAM_BROWSER} if set (a command; empty: none), else with the
   * desktop's opener where there is a desktop. The URL is printed either way.
   */
  public static void open(CliEnvironment env, String url) {
    String configured = env.variables().get(VARIABLE);
    List<String> command;
    if (configured != null) {
      if (configured.isBlank()) {
        return;
      }
      command = List.of(configured, url);
    } else if (System.getProperty("os.name", "").toLowerCase().contains("mac")) {
      command = List.of("open", url);
    } else if (env.variables().containsKey("DISPLAY")
        || env.variables().containsKey("WAYLAND_DISPLAY")) {
      command = List.of("xdg-open", url);
    } else {
      return; // a headless machine: the printed URL is the way
    }
    try {
      new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      env.stderr().println("(could not open a browser: " + e.getMessage() + ")");
      env.stderr().flush();
    }
  }
}
