package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.gateway.record.Spool;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.testing.kube.FakeKubeApiServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManyRequestsRecordingTest {
  private static final String SESSION = "s-1";
  private static final int CONNECTIONS = 8;
  private static final int PER_CONNECTION = 1250;

  @TempDir Path dir;

  @Test
  void tenThousandRequestsBecomeTenThousandEventsWithSeqOneToTenThousand() throws Exception {
    try (FakeKubeApiServer kube = FakeKubeApiServer.start("stored-token");
        Spool spool = Spool.open(dir, Clock.systemUTC())) {
      SessionLookup lookup =
          ProxyFixture.lookup(
              SESSION,
              kube.url().toString(),
              kube.caCertificatePem(),
              "stored-token",
              Instant.now().plus(Duration.ofHours(1)));
      try (ProxyFixture fixture =
          new ProxyFixture(SESSION, id -> CompletableFuture.completedFuture(lookup), spool)) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          done.add(sendInSequence(fixture, PER_CONNECTION));
        }
        // A load test, not a speed test: on a loaded CI machine 10 000 requests took over a minute;
        // the JUnit timeout (5 min) still bounds it.
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(4, TimeUnit.MINUTES);
      }

      Path events = dir.resolve(SESSION).resolve("events.jsonl");
      int total = CONNECTIONS * PER_CONNECTION;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(events) && Files.readAllLines(events).size() >= total);
      ObjectMapper json = new ObjectMapper();
      List<Long> seqs = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (String line : Files.readAllLines(events)) {
        JsonNode event = json.readTree(line);
        seqs.add(event.path("seq").asLong());
        ids.add(event.path("data").path("id").asText());
        assertThat(event.path("data").path("status").asInt()).isEqualTo(200);
      }
      assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
      assertThat(ids).hasSize(total);
    }
  }

  /**
   * {@code count} GETs on one keep-alive connection, each sent when the previous one is answered.
   */
  private static CompletableFuture<Void> sendInSequence(ProxyFixture fixture, int count) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger answered = new AtomicInteger();
    SslContext tls = fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID);
    Channel channel =
        fixture.connectHttp(
            tls,
            new HttpObjectAggregator(1 << 20),
            new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                if (response.status().code() != 200) {
                  done.completeExceptionally(new AssertionError("status " + response.status()));
                } else if (answered.incrementAndGet() == count) {
                  ctx.close();
                  done.complete(null);
                } else {
                  ctx.writeAndFlush(version());
                }
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                done.completeExceptionally(new AssertionError("closed early"));
              }
            });
    channel.writeAndFlush(version());
    return done;
  }

  private static FullHttpRequest version() {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/version");
    request.headers().set("Host", "127.0.0.1");
    request.headers().set("Content-Length", "0");
    return request;
  }
}
