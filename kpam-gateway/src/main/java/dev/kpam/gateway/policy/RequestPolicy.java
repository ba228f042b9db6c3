package dev.kpam.gateway.policy;

import dev.kpam.gateway.record.RequestInfo;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.policy.KubeRequest;
import dev.kpam.protocol.policy.PolicyDecision;
import dev.kpam.protocol.sessions.SessionLookup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The account's Kubernetes policy applied to one request at the gateway, before the token goes in:
 * the request as {@link RequestInfo} reads it, decided by {@link KubePolicy#evaluate}. The lookup
 * carries the policy, so a changed policy (pushed as {@code account.changed}) applies from the next
 * request of every open connection.
 *
 * <pre>{@code
 * PolicyDecision decision = RequestPolicy.decide(lookup, request);
 * if (!decision.allowed()) refuse(KubeStatus.forbidden(decision.message()));
 * }</pre>
 */
public final class RequestPolicy {
  private RequestPolicy() {}

  /** Allowed when the account has no policy. */
  public static PolicyDecision decide(SessionLookup lookup, HttpRequest request) {
    KubePolicy policy = lookup.policy();
    if (policy == null) {
      return new PolicyDecision(true, null, -1);
    }
    return policy.evaluate(kubeRequest(request), lookup.resource() + "/" + lookup.account());
  }

  static KubeRequest kubeRequest(HttpRequest request) {
    String uri = request.uri();
    int q = uri.indexOf('?');
    String path = QueryStringDecoder.decodeComponent(q < 0 ? uri : uri.substring(0, q));
    String query = q < 0 ? "" : uri.substring(q + 1);
    String method = request.method().name().toUpperCase(Locale.ROOT);
    RequestInfo info = RequestInfo.parse(method, path, query);
    return new KubeRequest(
        info.resourceRequest(),
        method,
        info.verb(),
        info.apiGroup(),
        info.resource(),
        info.subresource(),
        info.namespace(),
        info.name());
  }

  /** The {@code denial} event of the session's recording (RECORDING.md §1). */
  public static Map<String, Object> denialEvent(
      SessionLookup lookup, HttpRequest request, PolicyDecision decision) {
    KubeRequest kube = kubeRequest(request);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("cause", "policy");
    data.put("account", lookup.resource() + "/" + lookup.account());
    data.put("method", kube.method());
    data.put("uri", request.uri());
    data.put("action", KubePolicy.action(kube));
    data.put("resource", kube.resource());
    data.put("namespace", kube.namespace());
    data.put("name", kube.name());
    data.put("rule", decision.rule());
    data.put("message", decision.message());
    return data;
  }
}
