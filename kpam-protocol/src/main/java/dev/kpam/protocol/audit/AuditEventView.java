package dev.kpam.protocol.audit;

import java.time.Instant;

/** One audit record: who did what to which thing, when and from where. */
public record AuditEventView(
    long id,
    Instant time,
    String actor,
    String action,
    String target,
    String sourceAddress,
    String details) {}
