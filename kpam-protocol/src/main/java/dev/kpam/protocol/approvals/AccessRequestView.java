package dev.kpam.protocol.approvals;

import java.time.Instant;
import java.util.List;

/**
 * An access request as the API shows it. {@code status} is {@code PENDING}, {@code APPROVED},
 * {@code DENIED}, {@code CANCELLED} or {@code EXPIRED}. A pending request expires at {@code
 * pendingUntil}; an approved one allows sessions from {@code approvedAt} until {@code accessUntil}
 * and then expires. {@code approvers} are who may decide (empty: any admin), {@code
 * approvalsNeeded} how many must approve; {@code decidedBy} and {@code comment} are of the decision
 * that ended it (the last approval, a denial, the cancellation; null when it expired).
 */
public record AccessRequestView(
    String id,
    String user,
    String resource,
    String account,
    String duration,
    String reason,
    String status,
    List<String> approvers,
    int approvalsNeeded,
    List<AccessReview> reviews,
    Instant createdAt,
    Instant pendingUntil,
    Instant approvedAt,
    Instant accessUntil,
    Instant decidedAt,
    String decidedBy,
    String comment) {
  public static final String PENDING = "PENDING";
  public static final String APPROVED = "APPROVED";
  public static final String DENIED = "DENIED";
  public static final String CANCELLED = "CANCELLED";
  public static final String EXPIRED = "EXPIRED";

  public boolean pending() {
    return PENDING.equals(status);
  }
}
