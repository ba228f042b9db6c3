package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failure that the API server reports as a {@code Status} object, with the reasons and messages
 * of the real server (k8s.io/apimachinery/pkg/api/errors).
 */
final class KubeStatusException extends RuntimeException {
  private final int code;
  private final String reason;
  private final ObjectNode details;

  KubeStatusException(int code, String reason, String message, ObjectNode details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  static KubeStatusException notFound(ResourceType type, String name) {
    return new KubeStatusException(
        404, "NotFound", type.qualifiedName() + " \"" + name + "\" not found", details(type, name));
  }

  static KubeStatusException alreadyExists(ResourceType type, String name) {
    return new KubeStatusException(
        409,
        "AlreadyExists",
        type.qualifiedName() + " \"" + name + "\" already exists",
        details(type, name));
  }

  static KubeStatusException conflict(ResourceType type, String name) {
    return new KubeStatusException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.qualifiedName()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        details(type, name));
  }

  static KubeStatusException badRequest(String message) {
    return new KubeStatusException(400, "BadRequest", message, null);
  }

  static KubeStatusException invalid(ResourceType type, String name, String message) {
    return new KubeStatusException(
        422,
        "Invalid",
        type.kind() + " \"" + name + "\" is invalid: " + message,
        details(type, name));
  }

  static KubeStatusException notFoundPath() {
    return new KubeStatusException(
        404, "NotFound", "the server could not find the requested resource", null);
  }

  static KubeStatusException methodNotAllowed(String method) {
    return new KubeStatusException(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        null);
  }

  static KubeStatusException gone(String message) {
    return new KubeStatusException(410, "Expired", message, null);
  }

  static KubeStatusException unsupportedMediaType(String contentType) {
    return new KubeStatusException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        null);
  }

  int code() {
    return code;
  }

  /** The Status object the real API server sends for this failure. */
  ObjectNode status() {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (details != null) {
      status.set("details", details);
    }
    status.put("code", code);
    return status;
  }

  static ObjectNode unauthorized() {
    return new KubeStatusException(401, "Unauthorized", "Unauthorized", null).status();
  }

  private static ObjectNode details(ResourceType type, String name) {
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.resource());
    return details;
  }
}
