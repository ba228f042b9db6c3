package dev.kpam.gateway.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which object a body is: its kind, name, {@code generateName} and namespace, from JSON, YAML or
 * Kubernetes protobuf (the {@code k8s\0} envelope around a {@code runtime.Unknown} whose raw bytes
 * are the object, its {@code ObjectMeta} in field 1, as in every generated type of k8s.io/api).
 * kubectl 1.33 sends {@code create} and {@code run} bodies as protobuf, and the object's name is
 * then only there and in the response (docs/RECORDING.md §6). Read without generated Kubernetes
 * types; anything it cannot read gives nothing, never an error.
 *
 * <pre>{@code
 * ObjectIdentity.of(body, "application/vnd.kubernetes.protobuf") // Optional[ConfigMap web -n default]
 * }</pre>
 */
public record ObjectIdentity(String kind, String name, String generateName, String namespace) {
  private static final byte[] PROTOBUF_MAGIC = {'k', '8', 's', 0};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The object of {@code body}, written as {@code contentType} says, if it names one. */
  public static Optional<ObjectIdentity> of(byte[] body, String contentType) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      return switch (BodyRedaction.Format.of(contentType)) {
        case JSON -> ofTree(JSON.readTree(body));
        case YAML -> ofTree(YAML.readTree(body));
        case PROTOBUF -> ofProtobuf(body);
        case OTHER -> Optional.empty();
      };
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // cut at the cap, or not what it says it is
    }
  }

  private static final String[] RESOURCE_ATTRIBUTES = {
    "namespace", "verb", "group", "version", "resource", "subresource", "name"
  };

  /**
   * What a {@code SelfSubjectAccessReview} asks ({@code kubectl auth can-i}): the fields of its
   * {@code spec.resourceAttributes} ({@code verb, group, resource, subresource, name, namespace})
   * or {@code spec.nonResourceAttributes} ({@code verb, path}), from JSON, YAML or protobuf.
   */
  public static Optional<Map<String, Object>> accessQuestion(byte[] body, String contentType) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      Map<String, Object> question = new LinkedHashMap<>();
      BodyRedaction.Format format = BodyRedaction.Format.of(contentType);
      switch (format) {
        case JSON, YAML -> {
          JsonNode spec =
              (format == BodyRedaction.Format.JSON ? JSON : YAML).readTree(body).path("spec");
          JsonNode attributes =
              spec.has("resourceAttributes")
                  ? spec.get("resourceAttributes")
                  : spec.path("nonResourceAttributes");
          attributes
              .fields()
              .forEachRemaining(
                  e -> putIfPresent(question, e.getKey(), blankToNull(text(e.getValue()))));
        }
        case PROTOBUF -> {
          Unknown unknown = Unknown.of(body);
          byte[] spec =
              unknown == null || unknown.raw() == null ? null : bytesField(unknown.raw(), 2);
          byte[] resource = spec == null ? null : bytesField(spec, 1);
          byte[] other = spec == null || resource != null ? null : bytesField(spec, 2);
          if (resource != null) {
            for (int i = 0; i < RESOURCE_ATTRIBUTES.length; i++) {
              putIfPresent(
                  question, RESOURCE_ATTRIBUTES[i], blankToNull(stringField(resource, i + 1)));
            }
          } else if (other != null) {
            putIfPresent(question, "path", blankToNull(stringField(other, 1)));
            putIfPresent(question, "verb", blankToNull(stringField(other, 2)));
          }
        }
        case OTHER -> {}
      }
      return question.containsKey("verb") ? Optional.of(question) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The fields of a {@code request} event's {@code object}; absent ones are left out. */
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    putIfPresent(fields, "kind", kind);
    putIfPresent(fields, "name", name);
    putIfPresent(fields, "generateName", generateName);
    putIfPresent(fields, "namespace", namespace);
    return fields;
  }

  private static Optional<ObjectIdentity> ofTree(JsonNode object) {
    if (object == null || !object.isObject()) {
      return Optional.empty();
    }
    JsonNode metadata = object.path("metadata");
    return identity(
        text(object.path("kind")),
        text(metadata.path("name")),
        text(metadata.path("generateName")),
        text(metadata.path("namespace")));
  }

  private static Optional<ObjectIdentity> ofProtobuf(byte[] body) throws IOException {
    Unknown unknown = Unknown.of(body);
    if (unknown == null || unknown.raw() == null) {
      return Optional.empty();
    }
    byte[] metadata = bytesField(unknown.raw(), 1);
    if (metadata == null) {
      return identity(unknown.kind(), null, null, null);
    }
    return identity(
        unknown.kind(),
        stringField(metadata, 1),
        stringField(metadata, 2),
        stringField(metadata, 3));
  }

  /** The protobuf envelope's {@code runtime.Unknown}: the object's kind and its own bytes. */
  private record Unknown(String kind, byte[] raw) {
    /** Null when {@code body} has no {@code k8s\0} envelope. */
    static Unknown of(byte[] body) throws IOException {
      if (body.length < PROTOBUF_MAGIC.length
          || !Arrays.equals(
              body, 0, PROTOBUF_MAGIC.length, PROTOBUF_MAGIC, 0, PROTOBUF_MAGIC.length)) {
        return null;
      }
      CodedInputStream in =
          CodedInputStream.newInstance(
              body, PROTOBUF_MAGIC.length, body.length - PROTOBUF_MAGIC.length);
      String kind = null;
      byte[] raw = null;
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> kind = stringField(in.readByteArray(), 2); // TypeMeta.kind
          case 2 -> raw = in.readByteArray();
          default -> in.skipField(tag);
        }
      }
      return new Unknown(kind, raw);
    }
  }

  private static byte[] bytesField(byte[] message, int number) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (WireFormat.getTagFieldNumber(tag) == number
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        return in.readByteArray();
      }
      in.skipField(tag);
    }
    return null;
  }

  private static String stringField(byte[] message, int number) throws IOException {
    byte[] bytes = bytesField(message, number);
    return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Optional<ObjectIdentity> identity(
      String kind, String name, String generateName, String namespace) {
    if (kind == null && name == null && generateName == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ObjectIdentity(
            blankToNull(kind),
            blankToNull(name),
            blankToNull(generateName),
            blankToNull(namespace)));
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  private static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static void putIfPresent(Map<String, Object> fields, String name, String value) {
    if (value != null) {
      fields.put(name, value);
    }
  }
}
