package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestRecordTest {
  private final List<Map<String, Object>> appended = new ArrayList<>();
  private final SessionEvents events =
      (sessionId, type, data) -> {
        assertThat(type).isEqualTo("request");
        appended.add(data);
      };

  private RequestRecord record(String method, String uri, String contentType) {
    return new RequestRecord(
        events,
        "s-1",
        "r-1",
        method,
        uri,
        new RequestRecord.Headers("kubectl/v1.33.0", "kubectl apply", "ks-1", contentType));
  }

  private static void feed(RequestRecord record, byte[] bytes, int piece) {
    feed(record::bodyIn, bytes, piece);
  }

  /** {@code bytes} to {@code sink} in pieces, checking each is only looked at. */
  private static void feed(java.util.function.Consumer<ByteBuf> sink, byte[] bytes, int piece) {
    for (int at = 0; at < bytes.length; at += piece) {
      ByteBuf buf = Unpooled.wrappedBuffer(bytes, at, Math.min(piece, bytes.length - at));
      sink.accept(buf);
      assertThat(buf.readerIndex()).isZero(); // only looked at
      buf.release();
    }
  }

  @Test
  void aBodyLongerThanTheCapIsCountedWholeButKeptOnlyUpToTheCap() {
    String big = "{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"" + "x".repeat(200_000) + "\"}}";
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    RequestRecord record = record("POST", "/api/v1/namespaces/a/configmaps", "application/json");

    feed(record, bytes, 8192);
    record.status(201);
    record.end();
    record.end();

    assertThat(appended).hasSize(1);
    Map<String, Object> data = appended.get(0);
    assertThat(data.get("bodySize")).isEqualTo((long) bytes.length);
    assertThat(data.get("bytesIn")).isEqualTo((long) bytes.length);
    assertThat(data.get("bodyTruncated")).isEqualTo(true);
    assertThat((String) data.get("body")).hasSize(RequestRecord.BODY_CAP).startsWith("{\"kind\"");
  }

  @Test
  void aProtobufBodyIsNotedButNotKept() {
    RequestRecord record =
        record("PUT", "/api/v1/namespaces/a/secrets/s", "application/vnd.kubernetes.protobuf");

    feed(record, new byte[] {'k', '8', 's', 0, 1, 2, 3}, 3);
    record.end();

    Map<String, Object> data = appended.get(0);
    assertThat(data.get("body")).isNull();
    assertThat(data.get("bodyType")).isEqualTo("application/vnd.kubernetes.protobuf");
    assertThat(data.get("bodySize")).isEqualTo(7L);
    assertThat(data.get("verb")).isEqualTo("update");
  }

  @Test
  void aProtobufCreateNamesItsObjectThoughItsBodyIsNotKept() throws Exception {
    RequestRecord record =
        record(
            "POST", "/api/v1/namespaces/default/configmaps", "application/vnd.kubernetes.protobuf");

    feed(
        record,
        ObjectIdentityTest.envelope(
            "ConfigMap", ObjectIdentityTest.objectMeta("fid-made", null, "default")),
        5);
    record.status(201);
    record.end();

    Map<String, Object> data = appended.get(0);
    assertThat(data.get("body")).isNull();
    assertThat(data.get("object"))
        .isEqualTo(Map.of("kind", "ConfigMap", "name", "fid-made", "namespace", "default"));
  }

  @Test
  void aNameTheServerMadeFromGenerateNameComesFromTheResponse() {
    RequestRecord record = record("POST", "/api/v1/namespaces/default/pods", "application/json");
    feed(
        record,
        "{\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"debugger-\"}}"
            .getBytes(StandardCharsets.UTF_8),
        7);
    record.status(201);
    record.responseType("application/json", false);
    byte[] response =
        ("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"debugger-x7k2p\",\"namespace\":\"default\","
                + "\"generateName\":\"debugger-\"},\"spec\":{}}")
            .getBytes(StandardCharsets.UTF_8);
    feed(record::bodyOut, response, 9);
    record.end();

    Map<String, Object> data = appended.get(0);
    assertThat(data.get("object"))
        .isEqualTo(
            Map.of(
                "kind",
                "Pod",
                "name",
                "debugger-x7k2p",
                "generateName",
                "debugger-",
                "namespace",
                "default"));
    assertThat(data.get("bytesOut")).isEqualTo((long) response.length);
  }

  @Test
  void aFailedCreateTakesNoNameFromItsResponse() {
    RequestRecord record = record("POST", "/api/v1/namespaces/default/pods", "application/json");
    feed(
        record,
        "{\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"x-\"}}"
            .getBytes(StandardCharsets.UTF_8),
        64);
    record.status(409);
    record.responseType("application/json", false);
    feed(
        record::bodyOut,
        "{\"kind\":\"Status\",\"metadata\":{\"name\":\"nope\"}}".getBytes(StandardCharsets.UTF_8),
        64);
    record.end();

    assertThat(appended.get(0).get("object"))
        .isEqualTo(Map.of("kind", "Pod", "generateName", "x-"));
  }

  @Test
  void aGetKeepsNoBodyAndSplitsPathFromQuery() {
    RequestRecord record = record("GET", "/api/v1/pods?watch=1&limit=5", null);
    record.upgrade(null);
    record.bytesOut(10);
    record.bytesOut(5);
    record.end();

    Map<String, Object> data = appended.get(0);
    assertThat(data)
        .containsEntry("path", "/api/v1/pods")
        .containsEntry("query", "watch=1&limit=5")
        .containsEntry("verb", "watch")
        .containsEntry("bytesOut", 15L)
        .containsEntry("body", null)
        .containsEntry("bodySize", 0L)
        .containsEntry("kubectlCommand", "kubectl apply")
        .containsEntry("kubectlSession", "ks-1");
    assertThat(data.keySet())
        .containsExactlyInAnyOrder(
            "id",
            "method",
            "path",
            "query",
            "verb",
            "apiGroup",
            "apiVersion",
            "resource",
            "subresource",
            "namespace",
            "name",
            "resourceRequest",
            "status",
            "latencyMs",
            "bytesIn",
            "bytesOut",
            "userAgent",
            "kubectlCommand",
            "kubectlSession",
            "body",
            "bodyTruncated",
            "bodyType",
            "bodySize",
            "error",
            "upgrade");
  }
}
