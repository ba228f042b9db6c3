package dev.kpam.protocol.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One rule of a {@link KubePolicy}: {@code effect} ({@code allow} or {@code deny}) applies to a
 * request whose action is in {@code verbs}, and whose API group, resource, namespace and name match
 * one of the globs of their list ({@code *} any run of characters, {@code ?} one). A missing list
 * matches anything; {@code namespaces} given never matches a cluster-wide request. Actions are the
 * Kubernetes verbs ({@code get list watch create update patch delete deletecollection}) and the
 * subresource actions {@code exec attach portforward log proxy ephemeralcontainers}. A resource is
 * named as kubectl's API paths name it ({@code pods}, {@code deployments}); other subresources as
 * {@code pods/status}, {@code deployments/scale}.
 *
 * <pre>{@code
 * new PolicyRule("deny", List.of("get", "list", "watch"), null, List.of("secrets"), null, null);
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyRule(
    String effect,
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> namespaces,
    List<String> names) {
  public static final String ALLOW = "allow";
  public static final String DENY = "deny";

  public boolean allows() {
    return ALLOW.equals(effect);
  }

  /** Whether the rule applies to {@code request} with action {@code action}. */
  boolean matches(KubeRequest request, String action, String resourceKey) {
    return anyMatch(verbs, action)
        && anyMatch(apiGroups, request.apiGroup() == null ? "" : request.apiGroup())
        && anyMatch(resources, resourceKey)
        && (namespaces == null
            || (request.namespace() != null && anyMatch(namespaces, request.namespace())))
        && (names == null || (request.name() != null && anyMatch(names, request.name())));
  }

  /** Whether the rule would apply if the request named one of its namespaces. */
  boolean matchesInSomeNamespace(KubeRequest request, String action, String resourceKey) {
    return namespaces != null
        && anyMatch(verbs, action)
        && anyMatch(apiGroups, request.apiGroup() == null ? "" : request.apiGroup())
        && anyMatch(resources, resourceKey)
        && names == null;
  }

  private static boolean anyMatch(List<String> globs, String value) {
    if (globs == null) {
      return true;
    }
    for (String glob : globs) {
      if (Glob.matches(glob, value)) {
        return true;
      }
    }
    return false;
  }
}
