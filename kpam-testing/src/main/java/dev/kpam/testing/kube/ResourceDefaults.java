package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the fake's control plane would have done to a new object: namespaces become Active, pods are
 * scheduled and running at once (so exec, logs and port-forward work on them).
 */
final class ResourceDefaults {
  private ResourceDefaults() {}

  static void apply(ResourceType type, ObjectNode object) {
    if (!type.group().isEmpty()) {
      return;
    }
    switch (type.resource()) {
      case "namespaces" -> {
        object.putObject("spec").putArray("finalizers").add("kubernetes");
        object.putObject("status").put("phase", "Active");
      }
      case "pods" -> pod(object);
      case "secrets" -> {
        if (object.path("type").asText("").isEmpty()) {
          object.put("type", "Opaque");
        }
      }
      default -> {}
    }
  }

  private static void pod(ObjectNode pod) {
    // The API server's defaults; kubectl 1.33 debug dereferences spec.securityContext.
    ObjectNode spec = pod.with("spec");
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    JsonNode containers = pod.path("spec").path("containers");
    if (pod.path("status").has("phase")) {
      return;
    }
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Running").put("podIP", "10.0.0.10").put("hostIP", "10.0.0.1");
    status.put("startTime", pod.path("metadata").path("creationTimestamp").asText());
    ArrayNode statuses = status.putArray("containerStatuses");
    for (JsonNode container : containers) {
      ObjectNode containerStatus = statuses.addObject();
      containerStatus.put("name", container.path("name").asText());
      containerStatus.put("image", container.path("image").asText());
      containerStatus.put("ready", true).put("restartCount", 0).put("started", true);
      containerStatus
          .putObject("state")
          .putObject("running")
          .put("startedAt", pod.path("metadata").path("creationTimestamp").asText());
    }
  }

  private static void putIfAbsent(ObjectNode object, String field, String value) {
    if (!object.has(field)) {
      object.put(field, value);
    }
  }
}
