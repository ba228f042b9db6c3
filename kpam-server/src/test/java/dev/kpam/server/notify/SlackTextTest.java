package dev.kpam.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each event a Slack channel gets reads as one sentence. */
class SlackTextTest {
  private static Map<String, Object> event(Object... pairs) {
    Map<String, Object> event = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      event.put((String) pairs[i], pairs[i + 1]);
    }
    return event;
  }

  @Test
  void aRequestAndItsDecisionsReadAsSentences() {
    assertThat(
            SlackText.of(
                event(
                    "type",
                    "request.created",
                    "request",
                    "r1",
                    "user",
                    "bob",
                    "account",
                    "prod/admin",
                    "duration",
                    "1h",
                    "reason",
                    "incident 42")))
        .isEqualTo("kpam: bob asks for prod/admin for 1h: incident 42 (request r1)");
    assertThat(
            SlackText.of(
                event(
                    "type",
                    "request.decided",
                    "request",
                    "r1",
                    "user",
                    "bob",
                    "account",
                    "prod/admin",
                    "status",
                    "DENIED",
                    "by",
                    "carol",
                    "comment",
                    "freeze")))
        .isEqualTo("kpam: request r1 of bob for prod/admin is denied by carol: freeze");
    assertThat(
            SlackText.of(
                event(
                    "type",
                    "request.decided",
                    "request",
                    "r1",
                    "user",
                    "bob",
                    "account",
                    "prod/admin",
                    "status",
                    "EXPIRED",
                    "by",
                    "system",
                    "comment",
                    "no decision within 24h")))
        .isEqualTo("kpam: request r1 of bob for prod/admin is expired: no decision within 24h");
  }

  @Test
  void breakGlassIsShouted() {
    assertThat(
            SlackText.of(
                event(
                    "type",
                    "break-glass.used",
                    "session",
                    "s1",
                    "user",
                    "bob",
                    "account",
                    "prod/admin",
                    "duration",
                    "10m",
                    "reason",
                    "prod is down")))
        .isEqualTo(
            "kpam: BREAK-GLASS: bob opened prod/admin for 10m without approval: prod is down"
                + " (session s1)");
  }
}
