package dev.kpam.server.notify;

import java.util.Locale;
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
    if ("request.created".equals(type)) {
      return "kpam: "
          + event.get("user")
          + " asks for "
          + event.get("account")
          + " for "
          + event.get("duration")
          + ": "
          + event.get("reason")
          + " (request "
          + event.get("request")
          + ")";
    }
    if ("request.decided".equals(type)) {
      Object comment = event.get("comment");
      return "kpam: request "
          + event.get("request")
          + " of "
          + event.get("user")
          + " for "
          + event.get("account")
          + " is "
          + String.valueOf(event.get("status")).toLowerCase(Locale.ROOT)
          + ("system".equals(event.get("by")) ? "" : " by " + event.get("by"))
          + (comment == null ? "" : ": " + comment);
    }
    if ("break-glass.used".equals(type)) {
      return "kpam: BREAK-GLASS: "
          + event.get("user")
          + " opened "
          + event.get("account")
          + " for "
          + event.get("duration")
          + " without approval: "
          + event.get("reason")
          + " (session "
          + event.get("session")
          + ")";
    }
    return "kpam: " + type + " " + event;
  }
}
