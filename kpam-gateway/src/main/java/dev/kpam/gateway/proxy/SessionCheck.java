package dev.kpam.gateway.proxy;

import dev.kpam.gateway.policy.RequestPolicy;
import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.gateway.session.SessionDirectory;
import dev.kpam.protocol.policy.PolicyDecision;
import dev.kpam.protocol.sessions.SessionLookup;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the session before each request goes on: the lookup (cached by the {@link
 * SessionDirectory}) runs off the event loop; meanwhile this connection reads nothing more and the
 * pieces of the request already decoded wait here (at most one read's worth). A session that is
 * over gets a 403 {@code Status}; an unreachable control plane a 503 (an outage is never a denial),
 * and so does a fail-closed session while its events cannot be spooled. A request the account's
 * policy forbids gets a 403 {@code Status} with the policy's line and a {@code denial} event. The
 * first good lookup schedules the session's expiry on this event loop.
 */
final class SessionCheck extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(SessionCheck.class);

  private final ProxyConnection connection;
  private final SessionDirectory directory;
  private final SessionConnections connections;
  private final SessionRecording recording;
  private final Clock clock;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean checking;
  private boolean readWanted;
  private boolean refused;

  SessionCheck(
      ProxyConnection connection,
      SessionDirectory directory,
      SessionConnections connections,
      SessionRecording recording,
      Clock clock) {
    this.connection = connection;
    this.directory = directory;
    this.connections = connections;
    this.recording = recording;
    this.clock = clock;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
    } else if (checking) {
      held.add(msg);
    } else if (msg instanceof HttpRequest request) {
      check(ctx, request);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void check(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(request);
      refuse(ctx, KubeStatus.badRequest("malformed request: " + request.decoderResult().cause()));
      return;
    }
    checking = true;
    held.add(request);
    directory
        .lookup(connection.sessionId)
        .whenComplete(
            (lookup, error) -> ctx.executor().execute(() -> resolved(ctx, lookup, error)));
  }

  private void resolved(ChannelHandlerContext ctx, SessionLookup lookup, Throwable error) {
    checking = false;
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      releaseHeld();
      return;
    }
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof SessionDeniedException denied) {
      log.atInfo()
          .addKeyValue("session", connection.sessionId)
          .log("session {} refused at the gateway: {}", connection.sessionId, denied.getMessage());
      recording.sessionOver(connection.sessionId);
      refuse(ctx, KubeStatus.forbidden(denied.getMessage()));
    } else if (cause != null) {
      log.atWarn()
          .addKeyValue("session", connection.sessionId)
          .log("cannot verify session {}: {}", connection.sessionId, cause.toString());
      refuse(ctx, KubeStatus.unavailable("kpam server unreachable; cannot verify the session"));
    } else if (!lookup.expiresAt().isAfter(clock.instant())) {
      refuse(ctx, KubeStatus.forbidden(expiredMessage()));
    } else if (recordingRefuses(lookup)) {
      String reason = recording.unavailable(connection.sessionId);
      log.atWarn()
          .addKeyValue("session", connection.sessionId)
          .log("refusing a request of session {}: recording unavailable", connection.sessionId);
      refuse(ctx, KubeStatus.unavailable("recording unavailable: " + reason));
    } else {
      accept(ctx, lookup);
    }
  }

  /** The spool cannot be written and the account's policy is fail-closed (RECORDING.md §4). */
  private boolean recordingRefuses(SessionLookup lookup) {
    return recording.unavailable(connection.sessionId) != null
        && SessionRecording.failsClosed(lookup.recordingFailurePolicy());
  }

  private void accept(ChannelHandlerContext ctx, SessionLookup lookup) {
    UpstreamTarget target;
    try {
      target = UpstreamTarget.of(lookup);
    } catch (IllegalArgumentException e) {
      refuse(
          ctx,
          KubeStatus.badGateway("the resource's API server address is invalid: " + e.getMessage()));
      return;
    }
    if (held.peek() instanceof HttpRequest request) {
      PolicyDecision decision = RequestPolicy.decide(lookup, request);
      if (!decision.allowed()) {
        log.atInfo()
            .addKeyValue("session", connection.sessionId)
            .log("session {}: {}", connection.sessionId, decision.message());
        recording.append(
            connection.sessionId, "denial", RequestPolicy.denialEvent(lookup, request, decision));
        refuse(ctx, KubeStatus.forbidden(decision.message()));
        return;
      }
    }
    connection.lookup = lookup;
    connection.target = target;
    if (connection.expiry == null) {
      long delay = Duration.between(clock.instant(), lookup.expiresAt()).toMillis();
      connection.expiry =
          ctx.executor()
              .schedule(
                  () -> connections.end(connection.sessionId, "expired", expiredMessage()),
                  Math.max(0, delay),
                  TimeUnit.MILLISECONDS);
    }
    ctx.fireChannelRead(held.poll()); // the request just checked
    while (!checking && !refused && !held.isEmpty() && !ctx.isRemoved()) {
      channelRead(ctx, held.poll());
    }
    if (readWanted && !checking) {
      readWanted = false;
      ctx.read();
    }
  }

  private String expiredMessage() {
    return "kpam session " + connection.sessionId + " has expired";
  }

  private void refuse(ChannelHandlerContext ctx, KubeStatus status) {
    refused = true;
    releaseHeld();
    ctx.writeAndFlush(status.response(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (checking) {
      readWanted = true;
    } else {
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    if (connection.expiry != null) {
      connection.expiry.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  private void releaseHeld() {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
