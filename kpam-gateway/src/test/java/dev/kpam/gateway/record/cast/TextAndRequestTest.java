package dev.kpam.gateway.record.cast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextAndRequestTest {
  @Test
  void utf8SplitAnywhereDecodesToTheSameText() {
    String text = "ascii é ß € 漢字 🌍🎉 \u001b[31mred\u001b[0m\r\n";
    byte[] bytes = text.getBytes(UTF_8);
    for (int first = 0; first <= bytes.length; first++) {
      for (int second = first; second <= bytes.length; second++) {
        Utf8Text decoder = new Utf8Text();
        String decoded =
            decoder.decode(bytes, 0, first)
                + decoder.decode(bytes, first, second - first)
                + decoder.decode(bytes, second, bytes.length - second);
        assertThat(decoded).isEqualTo(text);
      }
    }
  }

  @Test
  void nulOverlongSurrogatesAndStrayContinuationBytesAreNotText() {
    byte[][] notText = {
      {'a', 0},
      {(byte) 0xc0, (byte) 0xaf},
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0x80},
      {(byte) 0xff},
    };
    for (byte[] bytes : notText) {
      assertThat(new Utf8Text().decode(bytes, 0, bytes.length)).as("%s", bytes).isNull();
    }
  }

  @Test
  void anExecRequestIsReadLikeTheApiServerReadsIt() {
    StreamRequest request =
        StreamRequest.parse(
            "/api/v1/namespaces/web/pods/api-7d9/exec?command=sh&command=-c"
                + "&command=echo%20%22hi%20there%22&container=app&stdin=1&stdout=true&tty=T");

    assertThat(request)
        .isEqualTo(
            new StreamRequest(
                "exec",
                "web",
                "api-7d9",
                "app",
                List.of("sh", "-c", "echo \"hi there\""),
                true,
                true,
                List.of()));
  }

  @Test
  void anAttachAndAPortForwardAreReadToo() {
    assertThat(StreamRequest.parse("/api/v1/namespaces/web/pods/api/attach?stdout=true"))
        .isEqualTo(
            new StreamRequest("attach", "web", "api", null, List.of(), false, false, List.of()));
    assertThat(
            StreamRequest.parse(
                    "/api/v1/namespaces/web/pods/api/portforward?ports=8080&ports=9090,9091")
                .ports())
        .containsExactly(8080, 9090, 9091);
    assertThat(StreamRequest.parse("/api/v1/namespaces/web/pods/api/log?follow=true")).isNull();
    assertThat(StreamRequest.parse("/apis/apps/v1/namespaces/web/deployments/api")).isNull();
  }
}
