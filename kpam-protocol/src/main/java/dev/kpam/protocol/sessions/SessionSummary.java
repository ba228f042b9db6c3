package dev.kpam.protocol.sessions;

/**
 * What happened in a session, in numbers (docs/RECORDING.md §5): its duration so far, kubectl
 * commands, HTTP requests, bytes from and to kubectl, requests answered with 400 or more, exec and
 * attach recordings, and whether the gateway could not record everything.
 *
 * <pre>{@code
 * SessionSummary summary = session.summary();
 * if (summary.recordingIncomplete()) warn("recording incomplete");
 * }</pre>
 */
public record SessionSummary(
    long durationMs,
    int commands,
    int requests,
    long bytesIn,
    long bytesOut,
    int errors,
    int recordings,
    boolean recordingIncomplete) {}
