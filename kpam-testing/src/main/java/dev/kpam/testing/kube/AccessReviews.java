package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code SelfSubjectAccessReview} and {@code SelfSubjectRulesReview} ({@code kubectl auth can-i}):
 * never stored, answered with the review and its status. The fake's one token may do anything, as
 * the stored service account of an admin account would.
 */
final class AccessReviews {
  private AccessReviews() {}

  static boolean reviews(ResourceType type) {
    return type.group().equals("authorization.k8s.io")
        && (type.resource().equals("selfsubjectaccessreviews")
            || type.resource().equals("selfsubjectrulesreviews"));
  }

  static ObjectNode allow(ObjectNode review) {
    ObjectNode answer = review.deepCopy();
    answer.put("kind", review.path("kind").asText("SelfSubjectAccessReview"));
    answer.put("apiVersion", "authorization.k8s.io/v1");
    answer.with("metadata").putNull("creationTimestamp");
    if (answer.path("kind").asText().equals("SelfSubjectRulesReview")) {
      ObjectNode status = answer.putObject("status");
      ObjectNode rule = status.putArray("resourceRules").addObject();
      rule.putArray("verbs").add("*");
      rule.putArray("apiGroups").add("*");
      rule.putArray("resources").add("*");
      status.putArray("nonResourceRules").addObject().putArray("verbs").add("*");
      status.put("incomplete", false);
    } else {
      answer.putObject("status").put("allowed", true);
    }
    return answer;
  }
}
