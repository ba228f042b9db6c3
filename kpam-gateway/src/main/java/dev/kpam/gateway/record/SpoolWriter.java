package dev.kpam.gateway.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kpam.crypto.secrets.PrivateFiles;
import dev.kpam.protocol.sessions.SessionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of the spool's writer thread: gives each session's events their seq and appends them,
 * rolls a failed write back, remembers which sessions lost events, and probes a failed spool. Only
 * {@link #failure}, {@link #dropped} and the {@link #sessions} map are touched by other threads.
 */
final class SpoolWriter {
  private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);

  /** An event waiting in the spool's queue. */
  record Pending(String sessionId, String type, Map<String, Object> data, Instant time) {}

  final Map<String, SpoolSession> sessions = new ConcurrentHashMap<>();

  /** Sessions whose events did not fit in the queue (any thread adds). */
  final Set<String> dropped = ConcurrentHashMap.newKeySet();

  /** Why the spool cannot be written right now, or null. */
  volatile String failure;

  volatile Consumer<String> onWritten = id -> {};
  volatile Consumer<String> onFailure = reason -> {};
  private final Path root;
  private final Clock clock;
  private final Map<String, Long> removed = new HashMap<>();

  SpoolWriter(Path root, Clock clock) {
    this.root = root;
    this.clock = clock;
  }

  /** Finds what a previous run left: each session continues after its last complete line. */
  void recover() {
    try {
      PrivateFiles.directory(root);
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path dir : dirs.filter(Files::isDirectory).toList()) {
          SpoolSession session = new SpoolSession(SpoolFormat.sessionIdOf(dir), dir);
          // Recorded traffic is for the server's eyes: tighten what an older version left.
          PrivateFiles.directory(dir);
          PrivateFiles.restrict(session.events());
          session.lastSeq = SpoolFormat.recoverLastSeq(session.events());
          session.acked = Math.min(SpoolSession.readAcked(dir), session.lastSeq);
          sessions.put(session.sessionId, session);
        }
      }
    } catch (IOException e) {
      failed("cannot use the spool directory " + root + ": " + e.getMessage());
    }
  }

  /** Writes the events of a batch session by session, then runs its tasks. */
  void process(List<Object> batch) {
    for (String id : dropped) {
      dropped.remove(id);
      lost(session(id), "the spool queue was full");
    }
    Map<String, List<Pending>> bySession = new LinkedHashMap<>();
    List<Runnable> tasks = new ArrayList<>();
    for (Object item : batch) {
      if (item instanceof Pending pending) {
        bySession.computeIfAbsent(pending.sessionId(), id -> new ArrayList<>()).add(pending);
      } else if (item instanceof Runnable task) {
        tasks.add(task);
      }
    }
    bySession.forEach(this::write);
    tasks.forEach(Runnable::run);
  }

  private void write(String sessionId, List<Pending> events) {
    SpoolSession session = session(sessionId);
    ByteArrayOutputStream lines = new ByteArrayOutputStream(256 * events.size());
    long seq = session.lastSeq;
    if (session.incomplete != null) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("what", "recording_incomplete");
      data.put("reason", session.incomplete);
      seq = line(lines, seq, clock.instant(), "session", data);
    }
    for (Pending event : events) {
      seq = line(lines, seq, event.time(), event.type(), event.data());
    }
    long size = -1;
    try {
      session.open();
      size = session.out.size();
      ByteBuffer bytes = ByteBuffer.wrap(lines.toByteArray());
      while (bytes.hasRemaining()) {
        session.out.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      rollBack(session, size);
      lost(session, e.getMessage() == null ? e.toString() : e.getMessage());
      return;
    }
    session.lastSeq = seq;
    session.incomplete = null;
    failure = null;
    onWritten.accept(sessionId);
  }

  /** Appends one event line; returns its seq, or {@code seq} unchanged if it cannot be encoded. */
  private static long line(
      ByteArrayOutputStream out, long seq, Instant time, String type, Object data) {
    try {
      byte[] line =
          SpoolFormat.MAPPER.writeValueAsBytes(new SessionEvent(seq + 1, time, type, data));
      out.write(line, 0, line.length);
      out.write('\n');
      return seq + 1;
    } catch (JsonProcessingException e) {
      log.error("dropping a {} event that cannot be encoded: {}", type, e.getOriginalMessage());
      return seq;
    }
  }

  private static void rollBack(SpoolSession session, long size) {
    if (size >= 0 && session.out != null) {
      try {
        session.out.truncate(size);
      } catch (IOException ignored) {
        // A torn line left here is dropped when the spool is read again.
      }
    }
    session.close();
  }

  SpoolSession session(String sessionId) {
    return sessions.computeIfAbsent(
        sessionId,
        id -> {
          SpoolSession created = new SpoolSession(id, root.resolve(SpoolFormat.dirNameOf(id)));
          Long before = removed.remove(id);
          if (before != null) {
            // A late event of a session that is over (its spool may be uploaded and removed).
            created.lastSeq = before;
            created.acked = before;
            created.over = true;
          }
          return created;
        });
  }

  /** Marks the session over; one without events yet is over from its first event on. */
  void sessionOver(String sessionId) {
    SpoolSession session = sessions.get(sessionId);
    if (session == null) {
      removed.putIfAbsent(sessionId, 0L);
      return;
    }
    session.over = true;
    onWritten.accept(sessionId);
  }

  /** Deletes the session's directory if it is over and acknowledged (or {@code evenUnacked}). */
  void removeIfDone(String sessionId, boolean evenUnacknowledged) {
    SpoolSession s = sessions.get(sessionId);
    if (s == null || !s.over || (!evenUnacknowledged && s.acked < s.lastSeq)) {
      return;
    }
    s.close();
    try {
      SpoolFormat.deleteDirectory(s.dir);
    } catch (IOException e) {
      log.warn("cannot delete the spool of session {}: {}", sessionId, e.toString());
    }
    sessions.remove(sessionId);
    removed.put(sessionId, Math.max(s.lastSeq, s.acked));
  }

  private void lost(SpoolSession session, String reason) {
    if (session.incomplete == null) {
      session.incomplete = reason;
    }
    failed(reason);
  }

  private void failed(String reason) {
    boolean first = failure == null;
    failure = reason;
    if (first) {
      log.error("cannot write the event spool: {}", reason);
      onFailure.accept(reason);
    }
  }

  /** While failing: tries to write in the spool directory; success clears the failure. */
  void probe() {
    Path probe = root.resolve(".probe");
    try {
      PrivateFiles.directory(root);
      Files.write(probe, new byte[] {'\n'});
      Files.delete(probe);
      failure = null;
      log.info("the event spool is writable again");
    } catch (IOException e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
