package dev.kpam.gateway.control;

import dev.kpam.gateway.record.EventUploader;
import dev.kpam.gateway.record.SpooledEvent;
import dev.kpam.protocol.sessions.EventBatchAck;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Uploads event batches with {@code POST /api/v1/gateway/sessions/{id}/events}. An answer that will
 * never change (410 gone, 404 unknown session, 403 another gateway's session) becomes {@link
 * EventUploader.SessionGoneException}; anything else is retried.
 *
 * <pre>{@code
 * EventUploader.start(spool, new ServerEventEndpoint(api));
 * }</pre>
 */
public final class ServerEventEndpoint implements EventUploader.Endpoint {
  private final ControlPlaneClient api;

  public ServerEventEndpoint(ControlPlaneClient api) {
    this.api = api;
  }

  @Override
  public CompletionStage<EventBatchAck> send(String sessionId, List<SpooledEvent> events) {
    String path =
        "/api/v1/gateway/sessions/"
            + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)
            + "/events";
    return api.postJson(path, SpooledEvent.batchJson(events), EventBatchAck.class)
        .exceptionally(
            error -> {
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof ControlPlaneException e && isPermanent(e.status())) {
                throw new EventUploader.SessionGoneException(e.getMessage());
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }

  private static boolean isPermanent(int status) {
    return status == 410 || status == 404 || status == 403;
  }
}
