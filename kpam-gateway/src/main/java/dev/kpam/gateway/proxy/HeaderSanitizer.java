package dev.kpam.gateway.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes every credential and hop-by-hop header kubectl (or anything else) sent: Authorization,
 * Impersonate-*, Proxy-*, X-Forwarded-*, Connection and the headers it names, Keep-Alive, TE,
 * Trailer and Upgrade (RFC 9110 §7.6.1). An upgrade request keeps exactly {@code Connection:
 * Upgrade} and its {@code Upgrade} header, which the API server needs for exec and port-forward.
 */
@ChannelHandler.Sharable
final class HeaderSanitizer extends ChannelInboundHandlerAdapter {
  static final HeaderSanitizer INSTANCE = new HeaderSanitizer();

  private static final List<String> HOP_BY_HOP =
      List.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      sanitize(request.headers());
    }
    ctx.fireChannelRead(msg);
  }

  static boolean isUpgrade(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.UPGRADE)
        && headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
  }

  static void sanitize(HttpHeaders headers) {
    boolean upgrade = isUpgrade(headers);
    String upgradeTo = headers.get(HttpHeaderNames.UPGRADE);
    boolean chunked = headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, "chunked", true);
    List<String> remove = new ArrayList<>(HOP_BY_HOP);
    for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : listed.split(",")) {
        remove.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("authorization")
          || lower.startsWith("impersonate-")
          || lower.startsWith("proxy-")
          || lower.startsWith("x-forwarded-")
          || lower.equals("forwarded")) {
        remove.add(lower);
      }
    }
    remove.forEach(headers::remove);
    // Transfer-Encoding describes this hop's body framing; the codec re-frames the same way.
    if (chunked) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    }
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, "Upgrade");
      headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    }
  }
}
