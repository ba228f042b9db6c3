package dev.kpam.protocol.accounts;

/**
 * {@code POST /api/v1/resources/{resource}/accounts} and {@code PATCH
 * /api/v1/resources/{resource}/accounts/{name}}. On update, null fields (including {@code token})
 * keep their value. {@code recordingFailurePolicy} is {@code fail-closed} (default) or {@code
 * fail-open}.
 */
public record AccountRequest(
    String name,
    String token,
    String description,
    String maxSessionDuration,
    Boolean recordStdin,
    String recordingFailurePolicy) {
  @Override
  public String toString() {
    return "AccountRequest[name="
        + name
        + ", token="
        + (token == null ? "null" : "<redacted>")
        + "]";
  }
}
