package dev.kpam.protocol.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What sessions on an account may do, on top of what its service account's RBAC allows: rules tried
 * in order, the first that matches decides, and a request no rule matches is denied. Discovery and
 * other non-resource reads ({@code /api}, {@code /apis/...}, {@code /openapi/...}, {@code
 * /version}) always pass, so that kubectl keeps working. {@code preset}, when set, names the preset
 * the rules came from ({@link #preset(String)}).
 *
 * <pre>{@code
 * KubePolicy policy = KubePolicy.preset("read-only");
 * PolicyDecision decision = policy.evaluate(request, "prod/admin");
 * if (!decision.allowed()) refuse(decision.message());
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KubePolicy(String preset, List<PolicyRule> rules) {
  public static final Set<String> VERBS =
      Set.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

  /** Subresources that are actions of their own rather than data: a rule names them as verbs. */
  public static final Set<String> ACTIONS =
      Set.of("exec", "attach", "portforward", "log", "proxy", "ephemeralcontainers");

  public static final List<String> PRESETS = List.of("read-only", "no-exec", "namespaces:a,b");

  private static final Pattern DNS_LABEL_GLOB = Pattern.compile("[a-z0-9*?]([-a-z0-9*?.]*)?");

  public KubePolicy {
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  /**
   * A preset: {@code read-only} (reads and logs, no Secret reads, no mutation, no exec, attach,
   * port-forward or proxy), {@code no-exec} (everything but exec, attach and ephemeral containers),
   * {@code namespaces:a,b} (everything inside those namespaces, and reading the namespaces
   * themselves).
   */
  public static KubePolicy preset(String spec) {
    String trimmed = spec == null ? "" : spec.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.equals("read-only") || lower.equals("readonly")) {
      return new KubePolicy(
          "read-only",
          List.of(
              new PolicyRule(
                  PolicyRule.DENY,
                  List.of("get", "list", "watch"),
                  null,
                  List.of("secrets"),
                  null,
                  null),
              new PolicyRule(
                  PolicyRule.ALLOW,
                  List.of("get", "list", "watch", "log"),
                  null,
                  null,
                  null,
                  null)));
    }
    if (lower.equals("no-exec")) {
      return new KubePolicy(
          "no-exec",
          List.of(
              new PolicyRule(
                  PolicyRule.DENY,
                  List.of("exec", "attach", "ephemeralcontainers"),
                  null,
                  null,
                  null,
                  null),
              new PolicyRule(PolicyRule.ALLOW, List.of("*"), null, null, null, null)));
    }
    if (lower.startsWith("namespaces:") || lower.startsWith("namespaces ")) {
      List<String> namespaces =
          Arrays.stream(trimmed.substring("namespaces:".length()).split("[,\\s]+"))
              .map(String::trim)
              .filter(n -> !n.isEmpty())
              .toList();
      if (namespaces.isEmpty()) {
        throw new PolicyException("preset", "name at least one namespace: namespaces:a,b");
      }
      KubePolicy policy =
          new KubePolicy(
              "namespaces:" + String.join(",", namespaces),
              List.of(
                  new PolicyRule(PolicyRule.ALLOW, List.of("*"), null, null, namespaces, null),
                  new PolicyRule(
                      PolicyRule.ALLOW,
                      List.of("get", "list", "watch"),
                      List.of(""),
                      List.of("namespaces"),
                      null,
                      namespaces)));
      policy.validate();
      return policy;
    }
    throw new PolicyException(
        "preset", "unknown preset '" + trimmed + "' (expected one of " + PRESETS + ")");
  }

  /** Throws a {@link PolicyException} naming the first field that is wrong. */
  public KubePolicy validate() {
    if (rules.isEmpty()) {
      throw new PolicyException("rules", "a policy needs at least one rule (or use no policy)");
    }
    for (int i = 0; i < rules.size(); i++) {
      PolicyRule rule = rules.get(i);
      String at = "rules[" + i + "]";
      if (rule == null) {
        throw new PolicyException(at, "null");
      }
      if (!PolicyRule.ALLOW.equals(rule.effect()) && !PolicyRule.DENY.equals(rule.effect())) {
        throw new PolicyException(
            at + ".effect", "'" + rule.effect() + "' (expected: allow or deny)");
      }
      if (rule.verbs() == null || rule.verbs().isEmpty()) {
        throw new PolicyException(at + ".verbs", "name at least one verb, or \"*\"");
      }
      for (String verb : rule.verbs()) {
        if (!"*".equals(verb) && !VERBS.contains(verb) && !ACTIONS.contains(verb)) {
          throw new PolicyException(
              at + ".verbs",
              "unknown verb '"
                  + verb
                  + "' (expected: *, "
                  + sorted(VERBS)
                  + ", "
                  + sorted(ACTIONS)
                  + ")");
        }
      }
      checkGlobs(at + ".apiGroups", rule.apiGroups(), true, true);
      checkGlobs(at + ".resources", rule.resources(), false, true);
      checkGlobs(at + ".namespaces", rule.namespaces(), false, true);
      // Object names are freer than DNS names (RBAC's "system:controller:…"): any text.
      checkGlobs(at + ".names", rule.names(), false, false);
    }
    return this;
  }

  /** {@code dnsLike}: lower-case letters, digits, '-', '.', '/' and the glob characters only. */
  private static void checkGlobs(
      String field, List<String> globs, boolean emptyAllowed, boolean dnsLike) {
    if (globs == null) {
      return;
    }
    if (globs.isEmpty()) {
      throw new PolicyException(field, "an empty list matches nothing; leave it out to match any");
    }
    for (String glob : globs) {
      if (glob == null || (glob.isEmpty() && !emptyAllowed) || glob.length() > 253) {
        throw new PolicyException(field, "'" + glob + "' is not a name or a glob");
      }
      if (!glob.isEmpty() && dnsLike && !DNS_LABEL_GLOB.matcher(glob.replace("/", "")).matches()) {
        throw new PolicyException(
            field, "'" + glob + "' is not a Kubernetes name or a glob of one");
      }
    }
  }

  private static String sorted(Set<String> words) {
    return String.join(", ", words.stream().sorted().toList());
  }

  /**
   * Decides {@code request}; {@code account} ({@code resource/account}) names the policy in the
   * message of a denial, e.g. "kpam: policy of prod/readonly forbids exec on pods in kube-system".
   */
  public PolicyDecision evaluate(KubeRequest request, String account) {
    if (!request.resourceRequest()) {
      if ("GET".equals(request.method()) || "HEAD".equals(request.method())) {
        return PolicyDecision.ALWAYS;
      }
      return new PolicyDecision(
          false,
          "kpam: policy of "
              + account
              + " forbids "
              + request.method()
              + " outside the Kubernetes API",
          -1);
    }
    String action = action(request);
    String resourceKey = resourceKey(request);
    for (int i = 0; i < rules.size(); i++) {
      PolicyRule rule = rules.get(i);
      if (rule.matches(request, action, resourceKey)) {
        return rule.allows()
            ? new PolicyDecision(true, null, i)
            : new PolicyDecision(false, forbids(account, action, resourceKey, request), i);
      }
    }
    if (request.namespace() == null) {
      List<String> namespaces = new ArrayList<>();
      for (PolicyRule rule : rules) {
        if (rule.allows() && rule.matchesInSomeNamespace(request, action, resourceKey)) {
          namespaces.addAll(rule.namespaces());
        }
      }
      if (!namespaces.isEmpty()) {
        return new PolicyDecision(
            false,
            "kpam: policy of "
                + account
                + " allows "
                + action
                + " on "
                + resourceKey
                + " only in namespaces "
                + String.join(", ", namespaces)
                + "; pass -n "
                + namespaces.get(0).replace("*", ""),
            -1);
      }
    }
    return new PolicyDecision(false, forbids(account, action, resourceKey, request), -1);
  }

  /** The verb a rule names for {@code request}: a subresource action, or the request's verb. */
  public static String action(KubeRequest request) {
    if (request.subresource() != null && ACTIONS.contains(request.subresource())) {
      return request.subresource();
    }
    return request.verb();
  }

  private static String resourceKey(KubeRequest request) {
    String resource = request.resource() == null ? "" : request.resource();
    if (request.subresource() == null || ACTIONS.contains(request.subresource())) {
      return resource;
    }
    return resource + "/" + request.subresource();
  }

  private static String forbids(
      String account, String action, String resourceKey, KubeRequest request) {
    String where = request.namespace() == null ? " cluster-wide" : " in " + request.namespace();
    return "kpam: policy of " + account + " forbids " + action + " on " + resourceKey + where;
  }
}
