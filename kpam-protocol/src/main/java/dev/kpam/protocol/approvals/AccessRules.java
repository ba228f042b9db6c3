package dev.kpam.protocol.approvals;

import java.util.List;

/**
 * How sessions on an account are allowed to open (docs/API.md "Access requests"). With {@code
 * requiresApproval}, a session needs an approved access request: {@code approvalsNeeded} (default
 * 1) approvals by {@code approvers} (user names; empty means any admin), never by the requester. A
 * request waits at most {@code requestTimeout} (default 24h) for them. With {@code breakGlass},
 * anyone who may use the account may open a session at once instead, with a reason, for at most
 * {@code breakGlassMaxDuration} (default 30m); it is marked BREAK-GLASS and notified at once.
 * {@code webhookUrl}, when set, also receives the account's notifications (requests, break-glass,
 * terminations) in {@code webhookFormat} ({@code json} or {@code slack}), signed with the server's
 * webhook secret; the API shows only its scheme and host, as the rest may hold a token.
 *
 * <p>With {@code requiresMfa}, a session opens only with a code of the user's second factor, asked
 * once when it opens (docs/IDENTITY.md, MFA).
 *
 * <p>In an account update, null fields keep their value; an empty {@code webhookUrl} removes it.
 *
 * <pre>{@code
 * new AccessRules(true, List.of("carol", "dave"), 1, "4h", true, "15m", null, null, true);
 * }</pre>
 */
public record AccessRules(
    Boolean requiresApproval,
    List<String> approvers,
    Integer approvalsNeeded,
    String requestTimeout,
    Boolean breakGlass,
    String breakGlassMaxDuration,
    String webhookUrl,
    String webhookFormat,
    Boolean requiresMfa) {}
