package dev.kpam.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SseParserTest {
  @Test
  void anEventEndsAtABlankLineAndCommentsAreIgnored() {
    SseParser parser = new SseParser();
    assertThat(parser.line(":connected")).isNull();
    assertThat(parser.line("")).isNull();
    assertThat(parser.line("event: session.terminated")).isNull();
    assertThat(parser.line("data: {\"id\":7}")).isNull();
    assertThat(parser.line("id: 7")).isNull();

    assertThat(parser.line(""))
        .isEqualTo(new SseParser.Event("7", "session.terminated", "{\"id\":7}"));
  }

  @Test
  void deniedLookupsSayWhyInKubectlsWords() {
    assertThat(
            ServerSessionDirectory.denial(
                "s-1",
                410,
                new dev.kpam.protocol.ApiError(
                    "session_terminated", "session s-1 is terminated: terminated by admin")))
        .isEqualTo("kpam session s-1 was terminated: terminated by admin");
    assertThat(
            ServerSessionDirectory.denial(
                "s-1",
                410,
                new dev.kpam.protocol.ApiError("session_expired", "session s-1 is expired: x")))
        .isEqualTo("kpam session s-1 has expired");
  }
}
