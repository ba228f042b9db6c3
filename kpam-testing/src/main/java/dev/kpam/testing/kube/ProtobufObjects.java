package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BiConsumer;

/**
 * Decodes the Kubernetes protobuf bodies that kubectl 1.33 sends for {@code create configmap} and
 * {@code create secret} (NOTES.md, Discovery): the {@code k8s\0} envelope around a {@code
 * runtime.Unknown} whose raw bytes are a {@code ConfigMap} or {@code Secret} (k8s.io/api
 * generated.proto). Only the fields those commands set are read (name, namespace, labels,
 * annotations, data, binaryData, stringData, type, immutable), and the namespaces and access
 * reviews of {@code kubectl create namespace} and {@code kubectl auth can-i}; any other type gets
 * 415.
 */
final class ProtobufObjects {
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtobufObjects() {}

  static ObjectNode decode(ByteBuf body, ResourceType type) {
    byte[] bytes = ByteBufUtil.getBytes(body);
    if (bytes.length < 4 || !java.util.Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
      throw KubeStatusException.badRequest("protobuf body without the k8s envelope");
    }
    byte[][] raw = new byte[1][];
    new Reader(bytes, 4, bytes.length)
        .fields(
            (field, value) -> {
              if (field == 2) {
                raw[0] = value.bytes();
              }
            });
    if (raw[0] == null || !(type.group().isEmpty() || AccessReviews.reviews(type))) {
      throw KubeStatusException.unsupportedMediaType("application/vnd.kubernetes.protobuf");
    }
    ObjectNode object = NODES.objectNode();
    switch (type.resource()) {
      case "namespaces" ->
          new Reader(raw[0])
              .fields(
                  (field, value) -> {
                    if (field == 1) {
                      object.set("metadata", metadata(value.bytes()));
                    }
                  });
      case "selfsubjectaccessreviews" -> {
        object.put("kind", "SelfSubjectAccessReview");
        new Reader(raw[0])
            .fields(
                (field, value) -> {
                  switch (field) {
                    case 1 -> object.set("metadata", metadata(value.bytes()));
                    case 2 -> object.set("spec", accessReviewSpec(value.bytes()));
                    default -> {}
                  }
                });
      }
      case "configmaps" ->
          new Reader(raw[0])
              .fields(
                  (field, value) -> {
                    switch (field) {
                      case 1 -> object.set("metadata", metadata(value.bytes()));
                      case 2 -> mapEntry(value.bytes(), object.with("data"), false);
                      case 3 -> mapEntry(value.bytes(), object.with("binaryData"), true);
                      case 4 -> object.put("immutable", value.varint() != 0);
                      default -> {}
                    }
                  });
      case "secrets" ->
          new Reader(raw[0])
              .fields(
                  (field, value) -> {
                    switch (field) {
                      case 1 -> object.set("metadata", metadata(value.bytes()));
                      case 2 -> mapEntry(value.bytes(), object.with("data"), true);
                      case 3 -> object.put("type", value.string());
                      case 4 -> mapEntry(value.bytes(), object.with("stringData"), false);
                      case 5 -> object.put("immutable", value.varint() != 0);
                      default -> {}
                    }
                  });
      default ->
          throw KubeStatusException.unsupportedMediaType("application/vnd.kubernetes.protobuf");
    }
    if (object.has("stringData")) {
      ObjectNode data = object.with("data");
      object
          .remove("stringData")
          .fields()
          .forEachRemaining(
              e ->
                  data.put(
                      e.getKey(),
                      Base64.getEncoder()
                          .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    }
    return object;
  }

  /** {@code SelfSubjectAccessReviewSpec}: resourceAttributes (1) or nonResourceAttributes (2). */
  private static ObjectNode accessReviewSpec(byte[] bytes) {
    ObjectNode spec = NODES.objectNode();
    String[] resourceFields = {
      "namespace", "verb", "group", "version", "resource", "subresource", "name"
    };
    new Reader(bytes)
        .fields(
            (field, value) -> {
              if (field == 1 || field == 2) {
                ObjectNode attributes =
                    spec.putObject(field == 1 ? "resourceAttributes" : "nonResourceAttributes");
                new Reader(value.bytes())
                    .fields(
                        (f, v) -> {
                          if (field == 1 && f >= 1 && f <= resourceFields.length) {
                            attributes.put(resourceFields[f - 1], v.string());
                          } else if (field == 2 && (f == 1 || f == 2)) {
                            attributes.put(f == 1 ? "path" : "verb", v.string());
                          }
                        });
              }
            });
    return spec;
  }

  private static ObjectNode metadata(byte[] bytes) {
    ObjectNode metadata = NODES.objectNode();
    new Reader(bytes)
        .fields(
            (field, value) -> {
              switch (field) {
                case 1 -> metadata.put("name", value.string());
                case 2 -> metadata.put("generateName", value.string());
                case 3 -> metadata.put("namespace", value.string());
                case 11 -> mapEntry(value.bytes(), metadata.with("labels"), false);
                case 12 -> mapEntry(value.bytes(), metadata.with("annotations"), false);
                default -> {}
              }
            });
    return metadata;
  }

  private static void mapEntry(byte[] entry, ObjectNode map, boolean base64) {
    String[] key = {""};
    byte[][] value = {new byte[0]};
    new Reader(entry)
        .fields(
            (field, v) -> {
              if (field == 1) {
                key[0] = v.string();
              } else if (field == 2) {
                value[0] = v.bytes();
              }
            });
    map.put(
        key[0],
        base64
            ? Base64.getEncoder().encodeToString(value[0])
            : new String(value[0], StandardCharsets.UTF_8));
  }

  /** One field value: a varint or a length-delimited byte range. */
  private record Value(long varint, byte[] bytes) {
    String string() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** The protobuf wire format, enough for varint, fixed and length-delimited fields. */
  private static final class Reader {
    private final byte[] bytes;
    private int position;
    private final int end;

    Reader(byte[] bytes) {
      this(bytes, 0, bytes.length);
    }

    Reader(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.position = start;
      this.end = end;
    }

    void fields(BiConsumer<Integer, Value> sink) {
      while (position < end) {
        long tag = varint();
        int field = (int) (tag >>> 3);
        switch ((int) (tag & 7)) {
          case 0 -> sink.accept(field, new Value(varint(), new byte[0]));
          case 1 -> position += 8;
          case 2 -> {
            int length = (int) varint();
            if (length < 0 || position + length > end) {
              throw KubeStatusException.badRequest("truncated protobuf body");
            }
            byte[] value = java.util.Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            sink.accept(field, new Value(0, value));
          }
          case 5 -> position += 4;
          default -> throw KubeStatusException.badRequest("unsupported protobuf wire type");
        }
      }
    }

    private long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw KubeStatusException.badRequest("truncated protobuf body");
        }
        byte b = bytes[position++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw KubeStatusException.badRequest("malformed protobuf varint");
    }
  }
}
