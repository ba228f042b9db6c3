package dev.kpam.relay;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a session whose certificate the relay accepted may reach its gateway now. The
 * relay calls it once per client connection on an event loop, so it must not block: do slow work (a
 * database query) on another executor and complete the stage there. A stage completed exceptionally
 * is reported to the client as {@code internal}, never as a refusal: with the message of a {@link
 * GateUnavailableException} (an outage of what the gate asks), else a generic one.
 *
 * <pre>{@code
 * SessionGate gate = (sessionId, gatewayId) ->
 *     CompletableFuture.supplyAsync(() -> sessions.isActive(sessionId) ? GateDecision.allow() : GateDecision.refuse("session ended"), dbExecutor);
 * }</pre>
 */
@FunctionalInterface
public interface SessionGate {
  CompletionStage<GateDecision> check(String sessionId, String gatewayId);
}
