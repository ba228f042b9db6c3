package dev.kpam.protocol.approvals;

import java.time.Instant;

/** One approver's decision on an access request: {@code APPROVED} or {@code DENIED}. */
public record AccessReview(String reviewer, String decision, String comment, Instant time) {}
