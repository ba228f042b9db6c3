package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CRUD on every resource of the discovery documents: list (JSON or Table), get, create, update,
 * patch (merge, strategic merge as merge, server-side apply as an upserting merge), delete and
 * deletecollection, with the status errors of the real server. Watches go to {@link WatchResponse}.
 */
final class ResourceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ResourceCatalog catalog;
  private final ObjectStore store;
  private final ObjectMapper json;

  ResourceHandler(ResourceCatalog catalog, ObjectStore store, ObjectMapper json) {
    this.catalog = catalog;
    this.store = store;
    this.json = json;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    try {
      ResourcePath path =
          ResourcePath.parse(query.path()).orElseThrow(KubeStatusException::notFoundPath);
      ResourceType type =
          catalog
              .type(path.group(), path.version(), path.resource())
              .orElseThrow(KubeStatusException::notFoundPath);
      if ("scale".equals(path.subresource()) && Scales.scalable(type)) {
        scale(ctx, request, type, path.namespace(), path.name());
        return;
      }
      // status, and a pod's ephemeral containers (kubectl debug), change the object itself here.
      if (path.subresource() != null
          && !path.subresource().equals("status")
          && !(path.subresource().equals("ephemeralcontainers")
              && type.resource().equals("pods"))) {
        throw KubeStatusException.notFoundPath();
      }
      if (AccessReviews.reviews(type) && request.method().name().equals("POST")) {
        reply(ctx, request, 201, AccessReviews.allow(body(request, type)));
        return;
      }
      if (!type.namespaced() && path.namespace() != null) {
        throw KubeStatusException.notFoundPath();
      }
      handle(ctx, request, query.parameters(), type, path);
    } catch (KubeStatusException e) {
      Responses.status(ctx, request, json, e);
    }
  }

  private void handle(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      Map<String, List<String>> params,
      ResourceType type,
      ResourcePath path) {
    String ns = path.namespace();
    String name = path.name();
    boolean table = request.headers().get(HttpHeaderNames.ACCEPT, "").contains("as=Table");
    Predicate<ObjectNode> selector =
        Selectors.of(param(params, "labelSelector"), param(params, "fieldSelector"));
    switch (request.method().name()) {
      case "GET" -> {
        if (name == null && isWatch(params)) {
          String rv = param(params, "resourceVersion");
          new WatchResponse(ctx, json, store, type, table, param(params, "includeObject"))
              .start(
                  request,
                  ns,
                  selector,
                  rv == null || rv.isEmpty() ? null : Long.valueOf(rv),
                  param(params, "timeoutSeconds"));
        } else if (name == null) {
          ObjectStore.Listing listing = store.list(type, ns, selector);
          reply(
              ctx,
              request,
              200,
              table
                  ? table(type, listing.items(), listing.resourceVersion(), params)
                  : list(type, listing));
        } else {
          ObjectNode object = store.get(type, ns, name);
          reply(ctx, request, 200, table ? table(type, List.of(object), 0, params) : object);
        }
      }
      case "POST" -> {
        requireNoName(name);
        ObjectNode created = store.create(type, ns, body(request, type));
        reply(ctx, request, 201, created);
      }
      case "PUT" ->
          reply(ctx, request, 200, store.update(type, ns, required(name), body(request, type)));
      case "PATCH" -> patch(ctx, request, type, ns, required(name));
      case "DELETE" -> {
        if (name == null) {
          ObjectStore.Listing listing = store.list(type, ns, selector);
          for (JsonNode item : listing.items()) {
            store.delete(type, ns, item.path("metadata").path("name").asText());
          }
          reply(ctx, request, 200, list(type, listing));
        } else {
          ObjectNode deleted = store.delete(type, ns, name);
          reply(
              ctx,
              request,
              200,
              returnsObjectOnDelete(type) ? deleted : deletedStatus(type, deleted));
        }
      }
      default -> throw KubeStatusException.methodNotAllowed(request.method().name());
    }
  }

  /** {@code GET}, {@code PUT} or merge-{@code PATCH} of a workload's {@code scale}. */
  private void scale(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ResourceType type,
      String ns,
      String name) {
    String workload = required(name);
    switch (request.method().name()) {
      case "GET" -> reply(ctx, request, 200, Scales.of(json, store.get(type, ns, workload)));
      case "PUT", "PATCH" -> {
        JsonNode change = parse(request);
        ObjectNode updated =
            store.patch(
                type,
                ns,
                workload,
                current -> {
                  ObjectNode scale = Scales.of(json, current);
                  JsonNode after =
                      request.method().name().equals("PUT")
                          ? change
                          : MergePatch.apply(scale, change);
                  return Scales.apply(current, after);
                });
        reply(ctx, request, 200, Scales.of(json, updated));
      }
      default -> throw KubeStatusException.methodNotAllowed(request.method().name());
    }
  }

  private void patch(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ResourceType type,
      String ns,
      String name) {
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    JsonNode patch = parse(request);
    if (contentType.startsWith("application/apply-patch+yaml")) {
      if (!store.exists(type, ns, name)) {
        ObjectNode created = (ObjectNode) patch.deepCopy();
        ((ObjectNode) created.path("metadata")).put("name", name);
        reply(ctx, request, 201, store.create(type, ns, created));
        return;
      }
    } else if (contentType.startsWith("application/json-patch+json")) {
      reply(
          ctx,
          request,
          200,
          store.patch(type, ns, name, current -> JsonPatch.apply(current, patch)));
      return;
    } else if (!contentType.startsWith("application/merge-patch+json")
        && !contentType.startsWith("application/strategic-merge-patch+json")) {
      throw KubeStatusException.unsupportedMediaType(contentType);
    }
    reply(
        ctx,
        request,
        200,
        store.patch(type, ns, name, current -> (ObjectNode) MergePatch.apply(current, patch)));
  }

  private ObjectNode body(FullHttpRequest request, ResourceType type) {
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
    if (contentType.startsWith("application/vnd.kubernetes.protobuf")) {
      return ProtobufObjects.decode(request.content(), type);
    }
    if (!contentType.startsWith("application/json")) {
      throw KubeStatusException.unsupportedMediaType(contentType);
    }
    JsonNode body = parse(request);
    if (!body.isObject()) {
      throw KubeStatusException.badRequest("the body of the request is not a JSON object");
    }
    return (ObjectNode) body;
  }

  private JsonNode parse(FullHttpRequest request) {
    try {
      return json.readTree(new ByteBufInputStream(request.content()));
    } catch (IOException e) {
      throw KubeStatusException.badRequest("unable to parse the request body: " + e.getMessage());
    }
  }

  private ObjectNode list(ResourceType type, ObjectStore.Listing listing) {
    ObjectNode list = json.createObjectNode();
    list.put("kind", type.kind() + "List").put("apiVersion", type.apiVersion());
    list.putObject("metadata").put("resourceVersion", Long.toString(listing.resourceVersion()));
    ArrayNode items = list.putArray("items");
    listing.items().forEach(items::add);
    return list;
  }

  private ObjectNode table(
      ResourceType type, List<ObjectNode> objects, long rv, Map<String, List<String>> params) {
    return Tables.table(type, objects, rv, param(params, "includeObject"), store.now());
  }

  private ObjectNode deletedStatus(ResourceType type, ObjectNode deleted) {
    ObjectNode status = json.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", deleted.path("metadata").path("name").asText());
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.resource());
    details.put("uid", deleted.path("metadata").path("uid").asText());
    return status;
  }

  /** Pods and namespaces are deleted gracefully by the real server, which returns the object. */
  private static boolean returnsObjectOnDelete(ResourceType type) {
    return type.group().isEmpty()
        && (type.resource().equals("pods") || type.resource().equals("namespaces"));
  }

  private void reply(ChannelHandlerContext ctx, FullHttpRequest request, int code, JsonNode body) {
    Responses.json(ctx, request, json, code, body);
  }

  private static boolean isWatch(Map<String, List<String>> params) {
    String watch = param(params, "watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  private static String required(String name) {
    if (name == null) {
      throw KubeStatusException.methodNotAllowed("");
    }
    return name;
  }

  private static void requireNoName(String name) {
    if (name != null) {
      throw KubeStatusException.methodNotAllowed("POST");
    }
  }

  static String param(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
