package dev.kpam.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request line and headers have not all arrived within {@code timeout} of
 * the connection opening (or of the previous response on a kept-alive connection). Jetty's idle
 * timeout restarts with every byte, so a client dribbling a header byte a second would otherwise
 * hold a connection and a buffer forever (slowloris). Once the headers are in, only the idle
 * timeout applies: long-lived responses such as the gateways' event stream are not cut.
 *
 * <p>A bean on the connector: Jetty hands it every connection ({@link Connection.Listener}) and
 * every request ({@link HttpChannel.Listener}). The timers run on the connector's scheduler.
 */
final class HeaderDeadline implements Connection.Listener, HttpChannel.Listener {
  private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

  private final Connector connector;
  private final long timeoutMillis;
  private final Map<EndPoint, Scheduler.Task> waiting = new ConcurrentHashMap<>();

  HeaderDeadline(Connector connector, Duration timeout) {
    this.connector = connector;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void onOpened(Connection connection) {
    // Over TLS the HTTP connection opens with the TLS one, so the handshake counts too.
    if (connection instanceof HttpConnection) {
      arm(connection.getEndPoint());
    }
  }

  @Override
  public void onClosed(Connection connection) {
    disarm(connection.getEndPoint());
  }

  @Override
  public void onRequestBegin(Request request) {
    disarm(request.getHttpChannel().getEndPoint());
  }

  @Override
  public void onComplete(Request request) {
    EndPoint endPoint = request.getHttpChannel().getEndPoint();
    if (endPoint.isOpen()) {
      arm(endPoint);
    }
  }

  private void arm(EndPoint endPoint) {
    Scheduler.Task[] task = new Scheduler.Task[1];
    task[0] =
        connector
            .getScheduler()
            .schedule(() -> expired(endPoint, task[0]), timeoutMillis, TimeUnit.MILLISECONDS);
    Scheduler.Task previous = waiting.put(endPoint, task[0]);
    if (previous != null) {
      previous.cancel();
    }
  }

  private void disarm(EndPoint endPoint) {
    Scheduler.Task task = waiting.remove(endPoint);
    if (task != null) {
      task.cancel();
    }
  }

  private void expired(EndPoint endPoint, Scheduler.Task task) {
    if (!waiting.remove(endPoint, task)) {
      return; // the headers came in the meantime
    }
    if (endPoint.isOpen()) {
      log.debug(
          "closing connection from {}: no complete request headers within {} ms",
          endPoint.getRemoteSocketAddress(),
          timeoutMillis);
      endPoint.close();
    }
  }
}
