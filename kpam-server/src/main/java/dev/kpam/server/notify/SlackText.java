package dev.kpam.server.notify;

import java.util.Map;

/** The one line a Slack-compatible webhook shows for a kpam event. */
final class SlackText {
  private SlackText() {}

  static String of(Map<?, ?> event) {
    Object type = event.get("type");
    if ("session.terminated".equals(type)) {
      return "kpam: session "
          + event.get("session")
          + " of "
          + event.get("user")
          + " on "
          + event.get("account")
          + " was terminated by "
          + event.get("by")
          + ": "
          + event.get("reason");
    }
    return "kpam: " + type + " " + event;
  }
}
