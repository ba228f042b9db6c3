package dev.kpam.gateway.control;

/**
 * Server-sent events, line by line (WHATWG HTML, "Interpreting an event stream"): {@code id:},
 * {@code event:}, {@code data:} fields; a blank line ends an event; {@code :} starts a comment.
 */
final class SseParser {
  record Event(String id, String type, String data) {}

  private String id;
  private String type;
  private StringBuilder data;

  /** Feeds one line; returns the event it completed, or null. */
  Event line(String line) {
    if (line.isEmpty()) {
      Event event =
          data == null && type == null
              ? null
              : new Event(id, type, data == null ? "" : data.toString());
      type = null;
      data = null;
      return event;
    }
    if (line.startsWith(":")) {
      return null;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "id" -> id = value;
      case "event" -> type = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      default -> {}
    }
    return null;
  }
}
