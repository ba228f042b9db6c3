package dev.kpam.protocol.sessions;

import java.util.List;

/** {@code POST /api/v1/gateway/sessions/{id}/events}: a batch of events, in any order. */
public record SessionEventBatch(List<SessionEvent> events) {}
