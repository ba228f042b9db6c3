package dev.kpam.gateway.record;

import dev.kpam.protocol.sessions.SessionEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The gateway's event spool (docs/RECORDING.md §4): {@code <root>/<sessionId>/events.jsonl}, one
 * {@link SessionEvent} per line, appended by one writer thread ({@code kpam-gateway-spool}) that
 * gives each session's events their seq, gap-free and in file order. {@link #append} only queues
 * (bounded; never blocks). On start the spool continues each session's seq after its last complete
 * line, dropping a torn one. When a write fails, {@link #unavailable} says why until a write or a
 * probe (every second) succeeds again, and the sessions that lost events get a {@code session}
 * event {@code recording_incomplete} first thing when writing works again.
 *
 * <pre>{@code
 * try (Spool spool = Spool.open(dataDir.resolve("spool"), clock)) {
 *   spool.append("s-1", "request", Map.of("id", "r-1", "status", 200));
 * }
 * }</pre>
 */
public final class Spool implements SessionRecording, AutoCloseable {
  private static final int QUEUE_CAPACITY = 65_536;
  private static final int DRAIN = 4096;
  private static final Object STOP = new Object();

  private final Clock clock;
  private final SpoolWriter writer;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private volatile boolean closed;

  private Spool(Path root, Clock clock) {
    this.clock = clock;
    this.writer = new SpoolWriter(root, clock);
    this.thread = new Thread(this::run, "kpam-gateway-spool");
    this.thread.setDaemon(true);
  }

  /** Scans {@code root} for what a previous run left and starts the writer thread. */
  public static Spool open(Path root, Clock clock) {
    Spool spool = new Spool(root, clock);
    spool.writer.recover();
    spool.thread.start();
    spool.closeUnfinishedRequests();
    return spool;
  }

  /**
   * Exchanges that were open when a previous run stopped (killed, say) get their {@code request}
   * event now, from their {@code request_open}: nothing kubectl did goes unrecorded.
   */
  private void closeUnfinishedRequests() {
    for (SpoolSession session : writer.sessions.values()) {
      try {
        for (SpoolFormat.Unfinished open : SpoolFormat.unfinishedRequests(session.events())) {
          Map<String, Object> closed = new LinkedHashMap<>(open.data());
          // It ended at the latest when this run started.
          closed.put("latencyMs", Duration.between(open.openedAt(), clock.instant()).toMillis());
          closed.put("bytesIn", null);
          closed.put("bytesOut", null);
          closed.put("error", "the gateway stopped before this request ended");
          append(session.sessionId, "request", closed);
        }
      } catch (IOException e) {
        writer.failure = "cannot read the spool of " + session.sessionId + ": " + e.getMessage();
      }
    }
  }

  /** Called on the writer thread with a session id after its events reached the file. */
  void onWritten(Consumer<String> listener) {
    writer.onWritten = listener;
  }

  /** Called on the writer thread with the reason when writing starts failing. */
  public void onFailure(Consumer<String> listener) {
    writer.onFailure = listener;
  }

  @Override
  public void append(String sessionId, String type, Map<String, Object> data) {
    if (!queue.offer(new SpoolWriter.Pending(sessionId, type, data, clock.instant()))) {
      writer.dropped.add(sessionId);
      writer.failure = "the spool queue is full";
    }
  }

  @Override
  public String unavailable(String sessionId) {
    return writer.failure;
  }

  /** The session is over: its directory goes once every event is acknowledged. */
  @Override
  public void sessionOver(String sessionId) {
    // On the writer thread, after the events appended before this call (such as its end).
    task(
        () -> {
          writer.sessionOver(sessionId);
        });
  }

  /** Events written but not yet acknowledged by the server, over all sessions: the backlog. */
  public long backlog() {
    long backlog = 0;
    for (SpoolSession session : writer.sessions.values()) {
      backlog += Math.max(0, session.lastSeq - session.acked);
    }
    return backlog;
  }

  /** The sessions the spool holds events of. */
  public Set<String> sessionIds() {
    return Set.copyOf(writer.sessions.keySet());
  }

  /** Completes once every event appended before this call is written (or known lost). */
  CompletableFuture<Void> written() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!task(() -> done.complete(null))) {
      done.completeExceptionally(new IllegalStateException("the spool queue is full"));
    }
    return done;
  }

  /** Sessions with a spool directory (restored or written), for the uploader. */
  List<SpoolSession> sessions() {
    return List.copyOf(writer.sessions.values());
  }

  SpoolSession find(String sessionId) {
    return writer.sessions.get(sessionId);
  }

  /**
   * Deletes the session's directory on the writer thread if it is over and all acknowledged, or in
   * any case with {@code evenUnacknowledged} (the server refuses its events for good).
   */
  void removeIfDone(String sessionId, boolean evenUnacknowledged) {
    task(() -> writer.removeIfDone(sessionId, evenUnacknowledged));
  }

  private boolean task(Runnable task) {
    return queue.offer(task);
  }

  private void run() {
    List<Object> batch = new ArrayList<>();
    while (true) {
      try {
        Object first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (writer.failure != null) {
            writer.probe();
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, DRAIN);
      } catch (InterruptedException e) {
        return;
      }
      writer.process(batch);
      boolean stop = batch.contains(STOP);
      batch.clear();
      if (stop) {
        return;
      }
    }
  }

  /** Writes what is queued, then stops the writer (bounded wait of 5 s). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (queue.offer(STOP, 5, TimeUnit.SECONDS)) {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } else {
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.sessions.values().forEach(SpoolSession::close);
  }
}
