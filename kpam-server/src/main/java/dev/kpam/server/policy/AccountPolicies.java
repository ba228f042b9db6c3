package dev.kpam.server.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.policy.PolicyException;
import dev.kpam.server.http.ApiException;
import java.io.UncheckedIOException;

/**
 * An account's Kubernetes policy as the server keeps it: what a create or update asks for ({@link
 * #change}), and the JSON column {@code accounts.kube_policy} it is stored in. The gateway applies
 * it ({@code SessionLookup.policy}); the server only validates and stores.
 *
 * <pre>{@code
 * AccountPolicies.Change change = AccountPolicies.change(request);
 * String column = change.column(currentColumn);
 * }</pre>
 */
public final class AccountPolicies {
  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private AccountPolicies() {}

  /** What a request does to the policy: keeps it, removes it, or sets {@code policy}. */
  public record Change(boolean keep, KubePolicy policy) {
    static final Change KEEP = new Change(true, null);
    static final Change REMOVE = new Change(false, null);

    /** The column's new value, given its current one. */
    public String column(String current) {
      return keep ? current : AccountPolicies.column(policy);
    }

    /** Whether the request changed anything about the policy (for the audit line). */
    public boolean changes() {
      return !keep;
    }
  }

  /** Reads {@code policy} and {@code preset} of a request; 400 naming the field when wrong. */
  public static Change change(AccountRequest request) {
    if (request.policy() != null && request.preset() != null) {
      throw ApiException.invalid("preset", "given with policy", "either policy or preset");
    }
    try {
      if (request.preset() != null) {
        return request.preset().trim().equalsIgnoreCase("none")
            ? Change.REMOVE
            : new Change(false, KubePolicy.preset(request.preset()));
      }
      if (request.policy() != null) {
        KubePolicy policy = request.policy();
        if (policy.preset() != null) {
          return new Change(false, KubePolicy.preset(policy.preset()));
        }
        if (policy.rules().isEmpty()) {
          return Change.REMOVE;
        }
        return new Change(false, policy.validate());
      }
      return Change.KEEP;
    } catch (PolicyException e) {
      throw ApiException.invalid(
          e.field().equals("preset") ? e.getMessage() : "policy." + e.getMessage());
    }
  }

  /** A draft for what-if: the preset or the rules, one of them required. */
  public static KubePolicy draft(KubePolicy policy, String preset) {
    if (policy == null && preset == null) {
      throw ApiException.invalid("policy", "missing", "a policy (rules) or a preset to try");
    }
    Change change =
        change(new AccountRequest(null, null, null, null, null, null, policy, preset, null));
    if (change.policy() == null) {
      throw ApiException.invalid("policy", "none", "a policy with rules, or a preset");
    }
    return change.policy();
  }

  public static String column(KubePolicy policy) {
    if (policy == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(policy);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored policy, or null. */
  public static KubePolicy parse(String column) {
    if (column == null || column.isBlank()) {
      return null;
    }
    try {
      return JSON.readValue(column, KubePolicy.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
