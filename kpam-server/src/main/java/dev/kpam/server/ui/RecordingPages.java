package dev.kpam.server.ui;

import dev.kpam.protocol.sessions.RecordingView;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.sessions.SessionHistory;
import dev.kpam.server.sessions.Sessions;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The exec/attach recording page: what was recorded, the asciinema player (started by {@code
 * recording.js}), the plain-text transcript for readers without JavaScript, and the cast file the
 * player and the download link read. Members see only their own sessions' recordings: {@link
 * SessionHistory} answers 404 for the others. Public only for its page records, which the
 * precompiled templates import.
 *
 * <pre>{@code
 * RecordingPages.register(app, kit, services.sessions(), services.history());
 * }</pre>
 */
public final class RecordingPages {
  private static final String ASCIICAST = "application/x-asciicast; charset=utf-8";

  private final UiKit kit;
  private final Sessions sessions;
  private final SessionHistory history;

  private RecordingPages(UiKit kit, Sessions sessions, SessionHistory history) {
    this.kit = kit;
    this.sessions = sessions;
    this.history = history;
  }

  static void register(Javalin app, UiKit kit, Sessions sessions, SessionHistory history) {
    RecordingPages pages = new RecordingPages(kit, sessions, history);
    app.get("/ui/sessions/{id}/recordings/{recordingId}", kit.page(pages::recording));
    app.get("/ui/sessions/{id}/recordings/{recordingId}/cast", kit.page(pages::cast));
    app.get(
        "/ui/sessions/{id}/recordings/{recordingId}/transcript", kit.page(pages::transcriptPart));
  }

  private void recording(Context ctx) {
    Principal me = kit.session.principal(ctx);
    String sessionId = ctx.pathParam("id");
    String recordingId = ctx.pathParam("recordingId");
    SessionView session = sessions.get(me, sessionId);
    Transcript transcript = transcript(me, session, recordingId);
    kit.render(
        ctx,
        200,
        "recording.jte",
        new RecordingPage(kit.chrome(ctx, me), session, transcript.recording(), transcript));
  }

  /**
   * The transcript alone, which the page polls while the stream is open: 204 while the session is
   * still at the version the page shows, so an idle exec costs two small queries a poll.
   */
  private void transcriptPart(Context ctx) {
    Principal me = kit.session.principal(ctx);
    String sessionId = ctx.pathParam("id");
    if (UiKit.unchanged(ctx, history.version(me, sessionId))) {
      return;
    }
    SessionView session = sessions.get(me, sessionId);
    kit.render(
        ctx,
        200,
        "recording-transcript.jte",
        transcript(me, session, ctx.pathParam("recordingId")));
  }

  private Transcript transcript(Principal me, SessionView session, String recordingId) {
    // The version first: output recorded while the rest is read shows at the next poll.
    String version = history.version(me, session.id());
    RecordingView recording =
        history.recordings(me, session.id()).stream()
            .filter(r -> r.id().equals(recordingId))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "recording '"
                            + recordingId
                            + "' not found in session '"
                            + session.id()
                            + "'"));
    // A stream whose recorder wrote nothing (a port-forward, a base64 stream) is listed without
    // a cast: the page says so instead of offering an empty player.
    CastSummary cast =
        recording.bytes() == 0
            ? null
            : RecordingCast.read(history.cast(me, session.id(), recordingId));
    boolean live = recording.durationMs() == null && Sessions.ACTIVE.equals(session.status());
    String poll =
        live
            ? "/ui/sessions/"
                + UiFormat.encode(session.id())
                + "/recordings/"
                + UiFormat.encode(recordingId)
                + "/transcript?seen="
                + version
            : null;
    return new Transcript(recording, cast, poll);
  }

  /**
   * The part of the page that follows an open stream: its cast read so far, and the route that
   * polls for more while it is open (null once it has ended).
   */
  public record Transcript(RecordingView recording, CastSummary cast, String pollUrl) {}

  private void cast(Context ctx) {
    Principal me = kit.session.principal(ctx);
    String sessionId = ctx.pathParam("id");
    String recordingId = ctx.pathParam("recordingId");
    byte[] cast = history.cast(me, sessionId, recordingId).getBytes(StandardCharsets.UTF_8);
    ctx.header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + fileName(sessionId, recordingId) + "\"")
        .contentType(ASCIICAST)
        .result(cast);
  }

  /** {@code kpam-<session>-<recording>.cast}, with anything but a safe character as {@code _}. */
  static String fileName(String sessionId, String recordingId) {
    return ("kpam-" + sessionId + "-" + recordingId).replaceAll("[^A-Za-z0-9._-]", "_") + ".cast";
  }

  /** The recording page: the session it belongs to, the recording, and its cast read ahead. */
  public record RecordingPage(
      Chrome chrome, SessionView session, RecordingView recording, Transcript transcript) {
    public CastSummary cast() {
      return transcript.cast();
    }

    public String path() {
      return "/ui/sessions/" + session.id() + "/recordings/" + recording.id();
    }

    public String castPath() {
      return path() + "/cast";
    }

    public String fileName() {
      return RecordingPages.fileName(session.id(), recording.id());
    }

    public String title() {
      return recording.pod() == null ? "Recording " + recording.id() : recording.pod();
    }

    public String command() {
      return String.join(" ", recording.command());
    }

    /** {@code 3.3 s}, {@code 2 min 5 s}, or that the stream has not ended. */
    public String duration() {
      Long ms = recording.durationMs();
      if (ms == null) {
        return "still open";
      }
      if (ms < 60_000) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
      }
      long seconds = ms / 1000;
      return seconds / 3600 > 0
          ? String.format(
              Locale.ROOT, "%d h %d min %d s", seconds / 3600, seconds / 60 % 60, seconds % 60)
          : String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
    }

    public String size() {
      long bytes = recording.bytes();
      if (bytes < 1024) {
        return bytes + " bytes";
      }
      return bytes < 1024 * 1024
          ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
          : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
  }

  /**
   * What the page shows of the cast itself: the terminal size and Kubernetes flags of its header,
   * its markers ({@code binary stream: contents not recorded}, {@code recording truncated at …}),
   * how many input events it holds, and its output as plain text, cut at {@link
   * RecordingCast#TRANSCRIPT_CAP} characters.
   */
  public record CastSummary(
      int width,
      int height,
      Boolean tty,
      Boolean stdin,
      String protocol,
      String transcript,
      boolean transcriptCut,
      List<String> markers,
      int inputEvents) {
    public int transcriptCap() {
      return RecordingCast.TRANSCRIPT_CAP;
    }
  }
}
