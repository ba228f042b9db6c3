package dev.kpam.protocol.sessions;

/**
 * The server's answer to a {@link SessionEventBatch}: how many events were new, how many it had
 * already, and the highest sequence number it now holds without a gap from 1.
 */
public record EventBatchAck(int accepted, int duplicates, long contiguousThrough) {}
