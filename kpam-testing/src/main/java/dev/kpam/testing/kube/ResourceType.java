package dev.kpam.testing.kube;

/** A top-level resource of the discovery documents, such as {@code apps/v1 deployments}. */
record ResourceType(
    String group, String version, String resource, String kind, boolean namespaced) {
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The name in error messages: {@code pods}, {@code deployments.apps}. */
  String qualifiedName() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** The storage key: one store per group and resource, whatever the version. */
  String groupResource() {
    return qualifiedName();
  }
}
