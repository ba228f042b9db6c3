package dev.kpam.testing.kube;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A request path naming a resource: {@code /api/v1/namespaces/N/pods/P/log}, {@code
 * /apis/apps/v1/deployments}, … {@code namespace}, {@code name} and {@code subresource} are null
 * when absent.
 */
record ResourcePath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource) {

  static Optional<ResourcePath> parse(String path) {
    List<String> s = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
    int rest;
    String group;
    String version;
    if (s.size() >= 3 && s.get(0).equals("api")) {
      group = "";
      version = s.get(1);
      rest = 2;
    } else if (s.size() >= 4 && s.get(0).equals("apis")) {
      group = s.get(1);
      version = s.get(2);
      rest = 3;
    } else {
      return Optional.empty();
    }
    List<String> r = s.subList(rest, s.size());
    if (r.size() >= 3 && r.get(0).equals("namespaces")) {
      if (r.size() > 5) {
        return Optional.empty();
      }
      return Optional.of(
          new ResourcePath(
              group,
              version,
              r.get(1),
              r.get(2),
              r.size() > 3 ? r.get(3) : null,
              r.size() > 4 ? r.get(4) : null));
    }
    if (r.size() > 3) {
      return Optional.empty();
    }
    return Optional.of(
        new ResourcePath(
            group,
            version,
            null,
            r.get(0),
            r.size() > 1 ? r.get(1) : null,
            r.size() > 2 ? r.get(2) : null));
  }

  boolean isPodSubresource(String name) {
    return group.isEmpty()
        && resource.equals("pods")
        && namespace != null
        && this.name != null
        && name.equals(subresource);
  }
}
