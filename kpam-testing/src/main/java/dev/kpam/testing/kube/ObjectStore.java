package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The objects of the fake cluster, with one resourceVersion counter for all of them like etcd's
 * revision, and watches that replay a bounded history. Callers get and give copies; the store never
 * hands out an object it keeps.
 */
final class ObjectStore {
  /** Events kept for watches that start at an older resourceVersion; older ones get 410 Gone. */
  private static final int HISTORY = 1000;

  record Event(String type, String groupResource, ObjectNode object, long resourceVersion) {}

  record Listing(List<ObjectNode> items, long resourceVersion) {}

  private record Watcher(
      String groupResource,
      String namespace,
      Predicate<ObjectNode> selector,
      Consumer<Event> sink) {
    boolean wants(Event event) {
      return event.groupResource().equals(groupResource)
          && (namespace == null
              || namespace.equals(event.object().path("metadata").path("namespace").asText()))
          && selector.test(event.object());
    }
  }

  private final Clock clock;
  private final Object lock = new Object();
  private final Map<String, TreeMap<String, ObjectNode>> objects = new HashMap<>();
  private final ArrayDeque<Event> history = new ArrayDeque<>();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private long resourceVersion = 1000;

  ObjectStore(Clock clock) {
    this.clock = clock;
  }

  Listing list(ResourceType type, String namespace, Predicate<ObjectNode> selector) {
    synchronized (lock) {
      List<ObjectNode> items = new ArrayList<>();
      for (ObjectNode object : bucket(type).values()) {
        if ((namespace == null || namespace.equals(namespaceOf(object))) && selector.test(object)) {
          items.add(object.deepCopy());
        }
      }
      return new Listing(items, resourceVersion);
    }
  }

  ObjectNode get(ResourceType type, String namespace, String name) {
    synchronized (lock) {
      ObjectNode object = bucket(type).get(key(namespace, name));
      if (object == null) {
        throw KubeStatusException.notFound(type, name);
      }
      return object.deepCopy();
    }
  }

  boolean exists(ResourceType type, String namespace, String name) {
    synchronized (lock) {
      return bucket(type).containsKey(key(namespace, name));
    }
  }

  ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
    synchronized (lock) {
      ObjectNode metadata = metadata(object);
      String name = metadata.path("name").asText("");
      if (name.isEmpty() && metadata.hasNonNull("generateName")) {
        name = metadata.get("generateName").asText() + UUID.randomUUID().toString().substring(0, 5);
        metadata.put("name", name);
      }
      if (name.isEmpty()) {
        throw KubeStatusException.invalid(
            type, "", "metadata.name: Required value: name or generateName is required");
      }
      requireNamespace(type, namespace);
      if (bucket(type).containsKey(key(namespace, name))) {
        throw KubeStatusException.alreadyExists(type, name);
      }
      object.put("apiVersion", type.apiVersion()).put("kind", type.kind());
      if (type.namespaced()) {
        metadata.put("namespace", namespace);
      } else {
        metadata.remove("namespace");
      }
      metadata.put("uid", UUID.randomUUID().toString());
      metadata.put("creationTimestamp", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      metadata.remove("resourceVersion");
      ResourceDefaults.apply(type, object);
      return store(type, namespace, name, object, "ADDED");
    }
  }

  /** Replaces an object; a resourceVersion in {@code object} must match the stored one. */
  ObjectNode update(ResourceType type, String namespace, String name, ObjectNode object) {
    synchronized (lock) {
      ObjectNode current = bucket(type).get(key(namespace, name));
      if (current == null) {
        throw KubeStatusException.notFound(type, name);
      }
      String expected = metadata(object).path("resourceVersion").asText("");
      if (!expected.isEmpty()
          && !expected.equals(current.path("metadata").path("resourceVersion").asText())) {
        throw KubeStatusException.conflict(type, name);
      }
      return replace(type, namespace, name, current, object);
    }
  }

  /** Reads, changes and writes an object atomically, as a PATCH does. */
  ObjectNode patch(
      ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change) {
    synchronized (lock) {
      ObjectNode current = bucket(type).get(key(namespace, name));
      if (current == null) {
        throw KubeStatusException.notFound(type, name);
      }
      return replace(type, namespace, name, current, change.apply(current.deepCopy()));
    }
  }

  ObjectNode delete(ResourceType type, String namespace, String name) {
    synchronized (lock) {
      ObjectNode removed = bucket(type).remove(key(namespace, name));
      if (removed == null) {
        throw KubeStatusException.notFound(type, name);
      }
      metadata(removed).put("resourceVersion", Long.toString(++resourceVersion));
      publish(new Event("DELETED", type.groupResource(), removed, resourceVersion));
      if (type.resource().equals("namespaces") && type.group().isEmpty()) {
        for (TreeMap<String, ObjectNode> bucket : objects.values()) {
          bucket.values().removeIf(object -> name.equals(namespaceOf(object)));
        }
      }
      return removed.deepCopy();
    }
  }

  /**
   * Sends {@code sink} every later change of the matching objects, starting after {@code
   * fromResourceVersion}, or with every current object as ADDED when it is null or 0. The sink runs
   * under the store's lock and must not block.
   */
  AutoCloseable watch(
      ResourceType type,
      String namespace,
      Predicate<ObjectNode> selector,
      Long fromResourceVersion,
      Consumer<Event> sink) {
    synchronized (lock) {
      Watcher watcher = new Watcher(type.groupResource(), namespace, selector, sink);
      if (fromResourceVersion == null || fromResourceVersion == 0) {
        for (ObjectNode object : list(type, namespace, selector).items()) {
          sink.accept(new Event("ADDED", type.groupResource(), object, resourceVersion));
        }
      } else {
        Event oldest = history.peekFirst();
        if (fromResourceVersion < resourceVersion
            && (oldest == null || oldest.resourceVersion() > fromResourceVersion + 1)) {
          throw KubeStatusException.gone(
              "too old resource version: " + fromResourceVersion + " (" + resourceVersion + ")");
        }
        for (Event event : history) {
          if (event.resourceVersion() > fromResourceVersion && watcher.wants(event)) {
            sink.accept(copy(event));
          }
        }
      }
      watchers.add(watcher);
      return () -> watchers.remove(watcher);
    }
  }

  Instant now() {
    return clock.instant();
  }

  private ObjectNode replace(
      ResourceType type, String namespace, String name, ObjectNode current, ObjectNode next) {
    ObjectNode metadata = metadata(next);
    ObjectNode currentMetadata = (ObjectNode) current.get("metadata");
    metadata.put("name", name);
    if (type.namespaced()) {
      metadata.put("namespace", namespace);
    }
    metadata.set("uid", currentMetadata.get("uid"));
    metadata.set("creationTimestamp", currentMetadata.get("creationTimestamp"));
    next.put("apiVersion", type.apiVersion()).put("kind", type.kind());
    if (next.equals(withResourceVersion(current, metadata.path("resourceVersion").asText()))) {
      return current.deepCopy();
    }
    return store(type, namespace, name, next, "MODIFIED");
  }

  private static ObjectNode withResourceVersion(ObjectNode object, String resourceVersion) {
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.get("metadata")).put("resourceVersion", resourceVersion);
    return copy;
  }

  private ObjectNode store(
      ResourceType type, String namespace, String name, ObjectNode object, String eventType) {
    metadata(object).put("resourceVersion", Long.toString(++resourceVersion));
    bucket(type).put(key(namespace, name), object);
    publish(new Event(eventType, type.groupResource(), object.deepCopy(), resourceVersion));
    return object.deepCopy();
  }

  private void publish(Event event) {
    history.addLast(event);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    for (Watcher watcher : watchers) {
      if (watcher.wants(event)) {
        watcher.sink().accept(copy(event));
      }
    }
  }

  private void requireNamespace(ResourceType type, String namespace) {
    if (!type.namespaced()) {
      return;
    }
    TreeMap<String, ObjectNode> namespaces = objects.get("namespaces");
    if (namespaces == null || !namespaces.containsKey(key(null, namespace))) {
      throw new KubeStatusException(
          404, "NotFound", "namespaces \"" + namespace + "\" not found", null);
    }
  }

  private static Event copy(Event event) {
    return new Event(
        event.type(), event.groupResource(), event.object().deepCopy(), event.resourceVersion());
  }

  private TreeMap<String, ObjectNode> bucket(ResourceType type) {
    return objects.computeIfAbsent(type.groupResource(), k -> new TreeMap<>());
  }

  private static ObjectNode metadata(ObjectNode object) {
    if (!(object.get("metadata") instanceof ObjectNode)) {
      object.putObject("metadata");
    }
    return (ObjectNode) object.get("metadata");
  }

  private static String namespaceOf(ObjectNode object) {
    return object.path("metadata").path("namespace").asText(null);
  }

  private static String key(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }
}
