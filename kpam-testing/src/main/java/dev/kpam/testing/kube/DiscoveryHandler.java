package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;

/**
 * Answers {@code /version}, {@code /api}, {@code /apis} and each group version with the documents
 * of a real v1.24 server, and {@code /api} and {@code /apis} with aggregated discovery where the
 * {@link KubeVersion} the fake behaves like serves it and the client asks for it first. A v1.24
 * server has none: a request for {@code g=apidiscovery.k8s.io} gets the legacy document, which
 * kubectl accepts (NOTES.md, Discovery). {@code /version} names the version.
 *
 * <p>{@code /openapi/v2} is served as the real JSON document. kubectl asks for it only as protobuf
 * (gnostic), which the fake cannot produce from JSON; it answers such requests with a minimal
 * protobuf document ({@code swagger: "2.0"} and nothing else), so that kubectl skips client-side
 * schema validation instead of failing.
 */
final class DiscoveryHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The gnostic OpenAPIv2 Document message with field 1 (swagger) = "2.0". */
  private static final byte[] MINIMAL_OPENAPI_PROTOBUF = {0x0a, 0x03, '2', '.', '0'};

  private final FakeCluster cluster;

  DiscoveryHandler(FakeCluster cluster) {
    super(false);
    this.cluster = cluster;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    Optional<byte[]> document = cluster.catalog().document(path);
    if (document.isEmpty() || !request.method().equals(HttpMethod.GET)) {
      ctx.fireChannelRead(request);
      return;
    }
    KubeVersion version = cluster.version();
    Optional<AggregatedDiscovery.Answer> aggregated =
        cluster
            .aggregatedDiscovery()
            .answer(
                path, request.headers().get(HttpHeaderNames.ACCEPT), version.aggregatedDiscovery());
    try {
      if (path.equals("/openapi/v2")) {
        openApi(ctx, request, document.get());
      } else if (aggregated.isPresent()) {
        Responses.send(
            ctx,
            request,
            HttpResponseStatus.OK,
            aggregated.get().contentType(),
            aggregated.get().body());
      } else if (path.equals("/version") && version != KubeVersion.V1_24) {
        Responses.send(ctx, request, HttpResponseStatus.OK, "application/json", version(version));
      } else {
        Responses.send(ctx, request, HttpResponseStatus.OK, "application/json", document.get());
      }
    } finally {
      request.release();
    }
  }

  /** The v1.24 server's {@code /version} with the major, minor and git version of {@code v}. */
  private byte[] version(KubeVersion v) {
    try {
      ObjectNode document =
          (ObjectNode) cluster.json().readTree(cluster.catalog().document("/version").get());
      document.put("minor", v.minor()).put("gitVersion", v.gitVersion());
      return Responses.bytes(cluster.json(), document);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void openApi(ChannelHandlerContext ctx, FullHttpRequest request, byte[] gzipped) {
    String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
    if (accept.contains("protobuf") && !accept.contains("json")) {
      Responses.send(
          ctx,
          request,
          HttpResponseStatus.OK,
          "application/octet-stream",
          MINIMAL_OPENAPI_PROTOBUF);
      return;
    }
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
      Responses.send(ctx, request, HttpResponseStatus.OK, "application/json", in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
