package dev.kpam.gateway.record;

import dev.kpam.protocol.sessions.EventBatchAck;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each session's spooled events to the server in batches of at most 500 events / 1 MiB
 * (docs/RECORDING.md §4), one batch in flight per session, on its own thread ({@code
 * kpam-gateway-upload}; the HTTP calls run on the client's threads). The answer's {@code
 * contiguousThrough} is written to {@code acked}; a session that is over and fully acknowledged
 * loses its directory. Failures back off from 1 s, doubling to 30 s; nothing is dropped, except
 * when the server says the session is gone for good ({@link SessionGoneException}).
 *
 * <p>A session's batches leave at most every {@link #LINGER} unless a full batch is waiting or the
 * session is over: an event after a quiet spell goes at once, while a busy session sends a few
 * large batches a second instead of one per round trip (each upload costs the server a request, a
 * lookup and a transaction whatever it carries; at 3 000 requests/s that was most of its CPU). The
 * spool holds the events meanwhile, so nothing waits in memory only.
 *
 * <pre>{@code
 * EventUploader uploader = EventUploader.start(spool, (id, batch) -> api.post(path(id), batch, EventBatchAck.class));
 * uploader.close();
 * }</pre>
 */
public final class EventUploader implements AutoCloseable {
  static final int MAX_EVENTS = 500;
  static final int MAX_BYTES = 1 << 20;

  /** The least time between two uploads of one session, unless a full batch waits. */
  static final Duration LINGER = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(EventUploader.class);

  /** Where batches go: {@code POST /api/v1/gateway/sessions/{id}/events}. */
  @FunctionalInterface
  public interface Endpoint {
    /**
     * Sends {@code events} (a {@code SessionEventBatch}); completes with the server's answer, or
     * {@link SessionGoneException} for a 410.
     */
    CompletionStage<EventBatchAck> send(String sessionId, List<SpooledEvent> events);
  }

  /** The server will not take the session's events any more (410 Gone). */
  public static final class SessionGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionGoneException(String message) {
      super(message, null, false, false);
    }
  }

  private final Spool spool;
  private final Endpoint endpoint;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final long linger;
  private final ScheduledExecutorService thread;
  private final Map<String, Upload> uploads = new HashMap<>();
  private volatile long progressNanos = System.nanoTime();

  private EventUploader(
      Spool spool, Endpoint endpoint, Duration first, Duration max, Duration linger) {
    this.spool = spool;
    this.linger = linger.toNanos();
    this.endpoint = endpoint;
    this.firstBackoff = first;
    this.maxBackoff = max;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kpam-gateway-upload");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts uploading: first what the spool holds from before, then whatever is written. */
  public static EventUploader start(Spool spool, Endpoint endpoint) {
    return start(spool, endpoint, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  static EventUploader start(Spool spool, Endpoint endpoint, Duration first, Duration max) {
    return start(spool, endpoint, first, max, LINGER);
  }

  static EventUploader start(
      Spool spool, Endpoint endpoint, Duration first, Duration max, Duration linger) {
    EventUploader uploader = new EventUploader(spool, endpoint, first, max, linger);
    spool.onWritten(uploader::wake);
    spool.sessions().forEach(s -> uploader.wake(s.sessionId));
    return uploader;
  }

  /** Something was written for {@code sessionId} (or it is over): look at it soon. */
  void wake(String sessionId) {
    try {
      thread.execute(() -> kick(sessionId));
    } catch (RejectedExecutionException closed) {
      // Shutting down: the spool keeps the events for the next start.
    }
  }

  private static final class Upload {
    final SpoolSession session;
    boolean inFlight;

    /** A retry after a failure, or the end of a linger: the next look at the session. */
    ScheduledFuture<?> next;

    long lastSent = Long.MIN_VALUE / 2; // long ago
    long offset;
    Duration backoff;

    Upload(SpoolSession session, Duration backoff) {
      this.session = session;
      this.backoff = backoff;
    }
  }

  private void kick(String sessionId) {
    SpoolSession session = spool.find(sessionId);
    if (session == null) {
      uploads.remove(sessionId);
      return;
    }
    Upload upload = uploads.get(sessionId);
    if (upload == null || upload.session != session) {
      upload = new Upload(session, firstBackoff);
      uploads.put(sessionId, upload);
    }
    if (upload.inFlight || upload.next != null) {
      return; // the answer, the retry or the linger looks again
    }
    if (session.acked >= session.lastSeq) {
      if (session.over) {
        spool.removeIfDone(sessionId, false);
      }
      return;
    }
    long wait = upload.lastSent + linger - System.nanoTime();
    if (wait > 0 && !session.over && session.lastSeq - session.acked < MAX_EVENTS) {
      kickLater(sessionId, upload, wait);
      return;
    }
    SpoolFormat.Batch batch;
    try {
      batch =
          SpoolFormat.read(session.events(), upload.offset, session.acked, MAX_EVENTS, MAX_BYTES);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the spool of session {}: {}", sessionId, e.toString());
      retryLater(sessionId, upload);
      return;
    }
    if (batch.events().isEmpty()) {
      upload.offset = batch.endOffset();
      return;
    }
    upload.inFlight = true;
    upload.lastSent = System.nanoTime();
    Upload sent = upload;
    endpoint
        .send(sessionId, batch.events())
        .whenComplete((ack, error) -> run(() -> answered(sessionId, sent, batch, ack, error)));
  }

  private void answered(
      String sessionId,
      Upload upload,
      SpoolFormat.Batch batch,
      EventBatchAck ack,
      Throwable error) {
    upload.inFlight = false;
    SpoolSession session = upload.session;
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof SessionGoneException gone) {
      log.warn(
          "the server refuses events of session {} ({}); dropping {} unacknowledged",
          sessionId,
          gone.getMessage(),
          session.lastSeq - session.acked);
      session.over = true;
      spool.removeIfDone(sessionId, true);
      return;
    }
    if (cause != null) {
      log.warn("uploading events of session {} failed: {}", sessionId, cause.toString());
      retryLater(sessionId, upload);
      return;
    }
    long through = ack.contiguousThrough();
    List<SpooledEvent> events = batch.events();
    int last = -1;
    for (int i = 0; i < events.size() && events.get(i).seq() <= through; i++) {
      last = i;
    }
    if (through < session.acked || (last < 0 && through < events.get(0).seq() - 1)) {
      upload.offset = 0; // the server holds less than it said before: send again from the start
    } else if (last >= 0) {
      upload.offset = batch.ends().get(last);
    }
    if (through != session.acked) {
      try {
        session.writeAcked(through);
      } catch (IOException e) {
        log.warn("cannot write the acked file of session {}: {}", sessionId, e.toString());
        session.acked = through;
      }
    }
    if (last < 0) {
      retryLater(sessionId, upload); // no progress: do not spin
      return;
    }
    upload.backoff = firstBackoff;
    progressNanos = System.nanoTime();
    kick(sessionId);
  }

  /**
   * How long the upload has made no progress while the spool holds unacknowledged events (zero when
   * it holds none): the upload's lag behind the recording.
   */
  public Duration lag() {
    return spool.backlog() == 0
        ? Duration.ZERO
        : Duration.ofNanos(System.nanoTime() - progressNanos);
  }

  private void retryLater(String sessionId, Upload upload) {
    Duration delay = upload.backoff;
    upload.backoff =
        delay.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : delay.multipliedBy(2);
    kickLater(sessionId, upload, delay.toNanos());
  }

  private void kickLater(String sessionId, Upload upload, long nanos) {
    upload.next =
        thread.schedule(
            () -> {
              upload.next = null;
              kick(sessionId);
            },
            nanos,
            TimeUnit.NANOSECONDS);
  }

  private void run(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  /** Stops uploading (what is not acknowledged stays in the spool). Waits at most 2 s. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
