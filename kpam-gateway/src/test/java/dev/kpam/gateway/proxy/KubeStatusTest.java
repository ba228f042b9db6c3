package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

class KubeStatusTest {
  @Test
  void aStatusIsWhatKubectlPrintsAsItsErrorLine() throws Exception {
    FullHttpResponse response =
        KubeStatus.forbidden("kpam session s-1 has ended: done").response(ByteBufAllocator.DEFAULT);
    try {
      JsonNode json =
          new ObjectMapper()
              .readTree(response.content().toString(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(response.status().code()).isEqualTo(403);
      assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(json.get("kind").asText()).isEqualTo("Status");
      assertThat(json.get("apiVersion").asText()).isEqualTo("v1");
      assertThat(json.get("metadata").isObject()).isTrue();
      assertThat(json.get("status").asText()).isEqualTo("Failure");
      assertThat(json.get("message").asText()).isEqualTo("kpam session s-1 has ended: done");
      assertThat(json.get("reason").asText()).isEqualTo("Forbidden");
      assertThat(json.get("code").asInt()).isEqualTo(403);
    } finally {
      ReferenceCountUtil.release(response);
    }
  }
}
