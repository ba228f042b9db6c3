package dev.kpam.protocol.accounts;

import dev.kpam.protocol.approvals.AccessRules;
import dev.kpam.protocol.policy.KubePolicy;

/**
 * {@code POST /api/v1/resources/{resource}/accounts} and {@code PATCH
 * /api/v1/resources/{resource}/accounts/{name}}. On update, null fields (including {@code token})
 * keep their value. {@code recordingFailurePolicy} is {@code fail-closed} (default) or {@code
 * fail-open}. {@code policy} (rules, see {@link KubePolicy}) or {@code preset} ({@code read-only},
 * {@code no-exec}, {@code namespaces:a,b}; {@code none} removes the policy) narrows what sessions
 * on the account may do; a policy without rules removes it too. {@code access} sets approval and
 * break-glass ({@link AccessRules}; its null fields keep their value).
 */
public record AccountRequest(
    String name,
    String token,
    String description,
    String maxSessionDuration,
    Boolean recordStdin,
    String recordingFailurePolicy,
    KubePolicy policy,
    String preset,
    AccessRules access) {
  @Override
  public String toString() {
    return "AccountRequest[name="
        + name
        + ", token="
        + (token == null ? "null" : "<redacted>")
        + "]";
  }
}
