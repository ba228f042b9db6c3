package dev.kpam.protocol.approvals;

/**
 * {@code POST /api/v1/requests/{id}/approve}, {@code .../deny} and {@code .../cancel}: an optional
 * comment, shown to the requester.
 */
public record DecisionRequest(String comment) {}
