package dev.kpam.testing.kube;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Records every request line and its headers as they arrive, before anything can reject them. */
final class RequestRecorder extends ChannelInboundHandlerAdapter {
  private static final String HTTP2_EXTENSION = "x-http2-";
  private final Consumer<RecordedRequest> sink;

  RequestRecorder(Consumer<RecordedRequest> sink) {
    this.sink = sink;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (Map.Entry<String, String> header : request.headers()) {
        if (header.getKey().startsWith(HTTP2_EXTENSION)) {
          continue; // what Netty's HTTP/2 to HTTP/1.1 conversion adds, not what the client sent
        }
        headers
            .computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(header.getValue());
      }
      headers.replaceAll((name, values) -> List.copyOf(values));
      String protocol =
          ctx.channel() instanceof Http2StreamChannel
              ? RecordedRequest.HTTP_2
              : RecordedRequest.HTTP_1_1;
      sink.accept(new RecordedRequest(request.method().name(), request.uri(), headers, protocol));
    }
    ctx.fireChannelRead(msg);
  }
}
