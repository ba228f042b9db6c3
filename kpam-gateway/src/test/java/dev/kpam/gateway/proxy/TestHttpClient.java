package dev.kpam.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends one HTTP/1.1 request over the inner TLS and collects the whole answer. */
final class TestHttpClient {
  record Answer(int status, String contentType, String body) {}

  static Answer send(ProxyFixture fixture, SslContext tls, HttpRequest request) throws Exception {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    Channel channel =
        fixture.connectHttp(
            tls,
            new HttpObjectAggregator(1 << 20),
            new SimpleChannelInboundHandler<FullHttpResponse>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                answer.complete(
                    new Answer(
                        r.status().code(),
                        r.headers().get("content-type"),
                        r.content().toString(StandardCharsets.UTF_8)));
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IllegalStateException("closed"));
              }
            });
    try {
      channel.writeAndFlush(request);
      return answer.get(15, TimeUnit.SECONDS);
    } finally {
      channel.close().syncUninterruptibly();
    }
  }
}
