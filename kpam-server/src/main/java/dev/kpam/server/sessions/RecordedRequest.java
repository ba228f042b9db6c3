package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a {@code request} event (docs/RECORDING.md §1) that commands are built from. {@code
 * time} is when the gateway appended the event, at the end of the exchange; {@link #startedAt} is
 * that minus the latency. An {@code open} request is a {@code request_open} event whose exchange
 * has not ended: {@code time} is when it began, its status 0.
 */
record RecordedRequest(
    long seq,
    Instant time,
    String id,
    String method,
    String path,
    String query,
    String verb,
    String resource,
    String subresource,
    String namespace,
    String name,
    boolean resourceRequest,
    int status,
    long latencyMs,
    String kubectlCommand,
    String kubectlSession,
    String userAgent,
    BodyObject object,
    boolean open,
    String error) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a mutating request's body says about its object, kept instead of the body (up to 64 KiB
   * each, RECORDING.md §3) so that a session's requests fit in memory. Fields may be null.
   */
  record BodyObject(
      String kind, String name, String namespace, AccessQuestion question, Settings settings) {
    static final BodyObject NONE = new BodyObject(null, null, null, null, Settings.NONE);

    /**
     * From the event's {@code object} (which the gateway reads from JSON, YAML and protobuf bodies
     * and from the response) and {@code accessQuestion}, else from a JSON body (events of gateways
     * before it); {@link #NONE} when none names one. What the write sets comes from a JSON body.
     */
    static BodyObject of(JsonNode object, JsonNode question, String body) {
      AccessQuestion asked = AccessQuestion.of(question);
      BodyObject parsed = of(body);
      if (object.isObject()) {
        return new BodyObject(
            text(object, "kind"),
            text(object, "name"),
            text(object, "namespace"),
            asked,
            parsed.settings());
      }
      return new BodyObject(
          parsed.kind(), parsed.name(), parsed.namespace(), asked, parsed.settings());
    }

    /** From a JSON body; {@link #NONE} for none, YAML, or a body cut at the cap. */
    static BodyObject of(String body) {
      if (body == null || !body.stripLeading().startsWith("{")) {
        return NONE;
      }
      try {
        JsonNode object = JSON.readTree(body);
        JsonNode metadata = object.path("metadata");
        return new BodyObject(
            text(object, "kind"),
            text(metadata, "name"),
            text(metadata, "namespace"),
            null,
            Settings.of(object));
      } catch (IOException e) {
        return NONE;
      }
    }
  }

  /**
   * What a write sets that a person types on kubectl's line: labels and annotations ({@code
   * tier=db}, {@code tier-} to remove), container images ({@code web=nginx:1.27}, of a pod or a
   * workload's template) and replicas; from a JSON body or patch.
   */
  record Settings(
      List<String> labels, List<String> annotations, List<String> images, Integer replicas) {
    static final Settings NONE = new Settings(List.of(), List.of(), List.of(), null);

    static Settings of(JsonNode body) {
      JsonNode spec = body.path("spec");
      JsonNode podSpec = spec.has("template") ? spec.path("template").path("spec") : spec;
      List<String> images = new ArrayList<>();
      for (JsonNode container : podSpec.path("containers")) {
        if (container.path("name").isTextual() && container.path("image").isTextual()) {
          images.add(container.get("name").asText() + "=" + container.get("image").asText());
        }
      }
      JsonNode replicas = spec.path("replicas");
      return new Settings(
          entries(body.path("metadata").path("labels")),
          entries(body.path("metadata").path("annotations")),
          images,
          replicas.isInt() ? replicas.asInt() : null);
    }

    private static List<String> entries(JsonNode map) {
      List<String> entries = new ArrayList<>();
      map.fields()
          .forEachRemaining(
              e ->
                  entries.add(
                      e.getValue().isNull()
                          ? e.getKey() + "-"
                          : e.getKey() + "=" + e.getValue().asText()));
      return entries;
    }
  }

  /**
   * What a {@code SelfSubjectAccessReview} asked ({@code kubectl auth can-i}), from the event's
   * {@code accessQuestion}: a resource question, or a non-resource one ({@code path}).
   */
  record AccessQuestion(
      String verb,
      String group,
      String resource,
      String subresource,
      String name,
      String namespace,
      String path) {
    static AccessQuestion of(JsonNode question) {
      if (!question.isObject() || text(question, "verb") == null) {
        return null;
      }
      return new AccessQuestion(
          text(question, "verb"),
          text(question, "group"),
          text(question, "resource"),
          text(question, "subresource"),
          text(question, "name"),
          text(question, "namespace"),
          text(question, "path"));
    }
  }

  /** From a {@code request} event, or from a {@code request_open} one when {@code open}. */
  static RecordedRequest of(long seq, Instant time, JsonNode data, boolean open) {
    return new RecordedRequest(
        seq,
        time,
        text(data, "id"),
        text(data, "method"),
        text(data, "path"),
        text(data, "query"),
        text(data, "verb"),
        text(data, "resource"),
        text(data, "subresource"),
        text(data, "namespace"),
        text(data, "name"),
        data.path("resourceRequest").asBoolean(false),
        data.path("status").asInt(0),
        Math.max(0, data.path("latencyMs").asLong(0)),
        text(data, "kubectlCommand"),
        text(data, "kubectlSession"),
        text(data, "userAgent"),
        BodyObject.of(data.path("object"), data.path("accessQuestion"), text(data, "body")),
        open,
        text(data, "error"));
  }

  Instant startedAt() {
    return time.minusMillis(latencyMs);
  }

  /**
   * Whether this request names a resource: not discovery ({@code /api}, {@code /apis/apps/v1},
   * {@code /openapi/v3}, {@code /version}), which kubectl sends before most commands.
   */
  boolean namesResource() {
    return resourceRequest && resource != null && !resource.isEmpty();
  }

  /**
   * An exec, attach or port-forward: a stream to a pod, not a write of an object, though over SPDY
   * it is a {@code POST}.
   */
  boolean opensStream() {
    return "exec".equals(subresource)
        || "attach".equals(subresource)
        || "portforward".equals(subresource);
  }

  /**
   * Discovery: a {@code GET} of {@code /api}, {@code /apis/...}, {@code /openapi/...} or {@code
   * /version}, which kubectl sends before most commands.
   */
  boolean isDiscovery() {
    return "GET".equals(method)
        && path != null
        && !namesResource()
        && (path.equals("/api")
            || path.equals("/apis")
            || path.startsWith("/api/")
            || path.startsWith("/apis/")
            || path.startsWith("/openapi/")
            || path.equals("/version"));
  }

  /**
   * Sent by kubectl: its {@code User-Agent} names it ({@code kubectl/v1.33.1 …}, {@code
   * kubectl.1.27/v1.27.16 …}, the dispatcher's {@code kubectl-dispatcher/v1.0}), also when it sends
   * no {@code Kubectl-*} headers.
   */
  boolean fromKubectl() {
    return userAgent != null && userAgent.startsWith("kubectl");
  }

  boolean mutates() {
    return method != null
        && switch (method) {
          case "POST", "PUT", "PATCH", "DELETE" -> true;
          default -> false;
        };
  }

  private static String text(JsonNode data, String field) {
    JsonNode value = data.path(field);
    return value.isTextual() ? value.asText() : null;
  }
}
