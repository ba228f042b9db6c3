package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HeaderSanitizerTest {
  private static HttpRequest sanitized(HttpRequest request) {
    EmbeddedChannel channel = new EmbeddedChannel(HeaderSanitizer.INSTANCE);
    channel.writeInbound(request);
    HttpRequest out = channel.readInbound();
    channel.finishAndReleaseAll();
    return out;
  }

  @Test
  void credentialsImpersonationProxyForwardedAndHopByHopHeadersAreRemoved() {
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/pods");
    request
        .headers()
        .set("Authorization", "Bearer user-token")
        .set("Impersonate-User", "x")
        .set("Impersonate-Group", "system:masters")
        .set("Impersonate-Extra-scopes", "all")
        .set("Impersonate-Uid", "1")
        .set("Proxy-Authorization", "Basic abc")
        .set("X-Forwarded-For", "10.0.0.1")
        .set("Connection", "keep-alive, X-Secret")
        .set("X-Secret", "listed in Connection")
        .set("Keep-Alive", "timeout=5")
        .set("TE", "trailers")
        .set("Trailer", "X-Checksum")
        .set("Upgrade", "h2c")
        .set("Accept", "application/json")
        .set("User-Agent", "kubectl/v1.33")
        .set("Kubectl-Command", "kubectl get")
        .set("Content-Length", "0");

    HttpRequest out = sanitized(request);

    assertThat(out.headers().names())
        .containsExactlyInAnyOrder("Accept", "User-Agent", "Kubectl-Command", "Content-Length");
  }

  @Test
  void anUpgradeRequestKeepsConnectionUpgradeAndItsUpgradeHeaderOnly() {
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/x/exec");
    request
        .headers()
        .set("Connection", "Upgrade")
        .set("Upgrade", "SPDY/3.1")
        .set("X-Stream-Protocol-Version", "v4.channel.k8s.io")
        .set("Authorization", "Bearer user-token");

    HttpRequest out = sanitized(request);

    assertThat(out.headers().get("Connection")).isEqualTo("Upgrade");
    assertThat(out.headers().get("Upgrade")).isEqualTo("SPDY/3.1");
    assertThat(out.headers().get("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
    assertThat(out.headers().contains("Authorization")).isFalse();
  }

  @Test
  void aChunkedBodyStaysChunked() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/x");
    request.headers().set("Transfer-Encoding", "chunked");

    assertThat(sanitized(request).headers().get("Transfer-Encoding")).isEqualTo("chunked");
  }
}
