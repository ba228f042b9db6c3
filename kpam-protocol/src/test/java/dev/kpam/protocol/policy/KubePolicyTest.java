package dev.kpam.protocol.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubePolicyTest {
  private static KubeRequest request(
      String method,
      String verb,
      String group,
      String resource,
      String sub,
      String ns,
      String name) {
    return new KubeRequest(true, method, verb, group, resource, sub, ns, name);
  }

  /** preset, method, verb, group, resource, subresource, namespace, name → allowed. */
  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "read-only, GET, get, '', pods, -, default, web, true",
        "read-only, GET, list, '', pods, -, -, -, true",
        "read-only, GET, watch, apps, deployments, -, web, -, true",
        "read-only, GET, get, '', pods, log, default, web, true",
        "read-only, GET, get, '', secrets, -, default, db, false",
        "read-only, GET, list, '', secrets, -, -, -, false",
        "read-only, DELETE, delete, '', configmaps, -, default, a, false",
        "read-only, POST, create, '', pods, exec, default, web, false",
        "read-only, POST, create, '', pods, portforward, default, web, false",
        "read-only, GET, get, '', pods, attach, default, web, false",
        "read-only, PATCH, patch, apps, deployments, scale, default, web, false",
        "no-exec, POST, create, '', pods, exec, default, web, false",
        "no-exec, POST, create, '', pods, attach, default, web, false",
        "no-exec, PATCH, patch, '', pods, ephemeralcontainers, default, web, false",
        "no-exec, POST, create, '', pods, portforward, default, web, true",
        "no-exec, DELETE, delete, '', pods, -, default, web, true",
        "'namespaces:a,b', GET, list, '', pods, -, a, -, true",
        "'namespaces:a,b', DELETE, delete, '', pods, -, b, x, true",
        "'namespaces:a,b', GET, list, '', pods, -, c, -, false",
        "'namespaces:a,b', GET, list, '', pods, -, -, -, false",
        "'namespaces:a,b', GET, get, '', namespaces, -, -, a, true",
        "'namespaces:a,b', GET, get, '', namespaces, -, -, c, false",
        "'namespaces:a,b', GET, list, '', nodes, -, -, -, false",
      })
  void presetsDecideAsDocumented(
      String preset,
      String method,
      String verb,
      String group,
      String resource,
      String sub,
      String ns,
      String name,
      boolean allowed) {
    PolicyDecision decision =
        KubePolicy.preset(preset)
            .evaluate(request(method, verb, group, resource, sub, ns, name), "prod/admin");
    assertThat(decision.allowed()).as(decision.toString()).isEqualTo(allowed);
  }

  @Test
  void aDenialIsOneReadableLine() {
    PolicyDecision exec =
        KubePolicy.preset("read-only")
            .evaluate(
                request("POST", "create", "", "pods", "exec", "kube-system", "dns"),
                "prod/readonly");
    assertThat(exec.message())
        .isEqualTo("kpam: policy of prod/readonly forbids exec on pods in kube-system");

    PolicyDecision secrets =
        KubePolicy.preset("read-only")
            .evaluate(request("GET", "list", "", "secrets", null, null, null), "prod/readonly");
    assertThat(secrets.message())
        .isEqualTo("kpam: policy of prod/readonly forbids list on secrets cluster-wide");
    assertThat(secrets.rule()).isZero();
  }

  @Test
  void aClusterWideListUnderANamespacePolicyTellsTheUserToPassANamespace() {
    PolicyDecision decision =
        KubePolicy.preset("namespaces: web, api")
            .evaluate(request("GET", "list", "", "pods", null, null, null), "prod/team");
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message())
        .isEqualTo(
            "kpam: policy of prod/team allows list on pods only in namespaces web, api; pass -n web");
  }

  @Test
  void discoveryAndVersionAlwaysPassButOtherNonResourceWritesDoNot() {
    KubePolicy policy =
        new KubePolicy(null, List.of(new PolicyRule("deny", List.of("*"), null, null, null, null)));
    KubeRequest discovery = new KubeRequest(false, "GET", "get", null, null, null, null, null);
    KubeRequest post = new KubeRequest(false, "POST", "post", null, null, null, null, null);
    assertThat(policy.evaluate(discovery, "p/a").allowed()).isTrue();
    assertThat(policy.evaluate(post, "p/a").allowed()).isFalse();
  }

  @Test
  void firstMatchWinsAndGlobsMatchNamesAndNamespaces() {
    KubePolicy policy =
        new KubePolicy(
                null,
                List.of(
                    new PolicyRule(
                        "deny", List.of("delete"), null, List.of("pods"), List.of("kube-*"), null),
                    new PolicyRule(
                        "allow",
                        List.of("*"),
                        null,
                        List.of("pods"),
                        null,
                        List.of("web-?", "api-*")),
                    new PolicyRule(
                        "allow", List.of("get", "list"), List.of("apps"), null, null, null)))
            .validate();
    assertThat(eval(policy, "delete", "", "pods", "kube-system", "web-1")).isFalse();
    assertThat(eval(policy, "delete", "", "pods", "default", "web-1")).isTrue();
    assertThat(eval(policy, "delete", "", "pods", "default", "web-12")).isFalse();
    assertThat(eval(policy, "patch", "", "pods", "default", "api-server-x")).isTrue();
    assertThat(eval(policy, "list", "apps", "deployments", "default", null)).isTrue();
    assertThat(eval(policy, "delete", "apps", "deployments", "default", "x")).isFalse();
  }

  private static boolean eval(
      KubePolicy policy, String verb, String group, String resource, String ns, String name) {
    return policy.evaluate(request("GET", verb, group, resource, null, ns, name), "p/a").allowed();
  }

  @Test
  void anInvalidPolicyNamesTheField() {
    assertThatThrownBy(
            () ->
                new KubePolicy(
                        null,
                        List.of(
                            new PolicyRule("allow", List.of("get"), null, null, null, null),
                            new PolicyRule("allow", List.of("ecex"), null, null, null, null)))
                    .validate())
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("rules[1].verbs: unknown verb 'ecex'")
        .extracting(e -> ((PolicyException) e).field())
        .isEqualTo("rules[1].verbs");
    assertThatThrownBy(
            () ->
                new KubePolicy(
                        null,
                        List.of(new PolicyRule("permit", List.of("get"), null, null, null, null)))
                    .validate())
        .hasMessage("rules[0].effect: 'permit' (expected: allow or deny)");
    assertThatThrownBy(
            () ->
                new KubePolicy(
                        null,
                        List.of(
                            new PolicyRule("allow", List.of("get"), null, List.of(), null, null)))
                    .validate())
        .hasMessageStartingWith("rules[0].resources: an empty list matches nothing");
    assertThatThrownBy(() -> new KubePolicy(null, List.of()).validate())
        .hasMessageStartingWith("rules: a policy needs at least one rule");
    assertThatThrownBy(() -> KubePolicy.preset("read-mostly"))
        .hasMessageStartingWith("preset: unknown preset 'read-mostly'");
    assertThatThrownBy(() -> KubePolicy.preset("namespaces: Web"))
        .hasMessageContaining("'Web' is not a Kubernetes name");
  }
}
