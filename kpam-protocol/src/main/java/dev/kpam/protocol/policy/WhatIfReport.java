package dev.kpam.protocol.policy;

import java.time.Instant;
import java.util.List;

/**
 * What a draft policy would have done to an account's recorded requests since {@code since}: the
 * groups with denials first (most denied first), then the rest. {@code truncated}: more than the
 * replay limit were recorded; the figures cover the newest ones.
 */
public record WhatIfReport(
    String account,
    Instant since,
    long sessions,
    long requests,
    long denied,
    List<WhatIfGroup> groups,
    boolean truncated) {
  public WhatIfReport {
    groups = List.copyOf(groups);
  }
}
