package dev.kpam.cli;

/** How commands print what they list or create: aligned text for people, JSON for scripts. */
public enum OutputFormat {
  TABLE,
  JSON
}
