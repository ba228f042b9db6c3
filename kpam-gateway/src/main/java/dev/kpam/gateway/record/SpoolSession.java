package dev.kpam.gateway.record;

import dev.kpam.crypto.secrets.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One session's spool directory: {@code events.jsonl} and {@code acked}. The writer thread owns
 * {@link #out} and {@link #lastSeq}'s updates; the uploader reads the file and owns {@link #acked}.
 */
final class SpoolSession {
  static final String EVENTS = "events.jsonl";
  static final String ACKED = "acked";

  final String sessionId;
  final Path dir;
  FileChannel out;

  /** The last seq written completely to the file. */
  volatile long lastSeq;

  /** The last seq the server acknowledged without a gap. */
  volatile long acked;

  /** The session is over (ended, terminated, expired, or gone at the server). */
  volatile boolean over;

  /** Why events were lost, to be recorded as {@code recording_incomplete}; writer thread only. */
  String incomplete;

  SpoolSession(String sessionId, Path dir) {
    this.sessionId = sessionId;
    this.dir = dir;
  }

  Path events() {
    return dir.resolve(EVENTS);
  }

  /** Opens the events file for appending, creating the directory. */
  void open() throws IOException {
    if (out == null) {
      PrivateFiles.directory(dir);
      out =
          FileChannel.open(
              events(),
              Set.of(
                  StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
              PrivateFiles.fileAttributes(PrivateFiles.FILE_MODE));
    }
  }

  void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Nothing was pending: every write completed or was rolled back.
      }
      out = null;
    }
  }

  /** Rewrites {@code acked} atomically (a temporary file moved over it). */
  void writeAcked(long seq) throws IOException {
    PrivateFiles.replace(
        dir.resolve(ACKED), Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    acked = seq;
  }

  static long readAcked(Path dir) {
    try {
      return Long.parseLong(Files.readString(dir.resolve(ACKED), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
