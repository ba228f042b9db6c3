package dev.kpam.transport.spdy;

import java.util.Map;

/**
 * One stream of a SPDY/3.1 connection, opened by the client's SYN_STREAM: its id, its headers and
 * how far it got. Kubernetes tells the streams of exec and attach apart by the {@code streamtype}
 * header ({@code error}, {@code stdin}, {@code stdout}, {@code stderr}, {@code resize}), those of
 * port-forward by {@code streamtype} ({@code data}, {@code error}) and {@code port}. The state is
 * live: it changes as frames pass, on the connection's event loop only.
 *
 * <pre>{@code
 * if (stream.type().equals("stdout")) { recording.output(payload); }
 * String port = stream.header("port");
 * }</pre>
 */
public final class SpdyStream {
  private final int id;
  private final Map<String, String> headers;
  boolean replied;
  boolean clientFinished;
  boolean serverFinished;
  long bytesFromClient;
  long bytesFromServer;

  SpdyStream(int id, Map<String, String> headers) {
    this.id = id;
    this.headers = Map.copyOf(headers);
  }

  public int id() {
    return id;
  }

  /** The {@code streamtype} header, or {@code ""} when the client sent none. */
  public String type() {
    return header("streamtype");
  }

  /** The header {@code name} (lower case) of the SYN_STREAM, or {@code ""}. */
  public String header(String name) {
    return headers.getOrDefault(name, "");
  }

  /** Every header of the SYN_STREAM, names in lower case, first value of each. */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Whether the server answered with SYN_REPLY and has not finished its half: it may still send.
   */
  public boolean serverHalfOpen() {
    return replied && !serverFinished;
  }

  /** Whether the client has finished its half (FLAG_FIN): it sends nothing more. */
  public boolean clientFinished() {
    return clientFinished;
  }

  /** DATA payload bytes the client sent on this stream so far. */
  public long bytesFromClient() {
    return bytesFromClient;
  }

  /** DATA payload bytes the server sent on this stream so far. */
  public long bytesFromServer() {
    return bytesFromServer;
  }

  @Override
  public String toString() {
    return "SpdyStream[" + id + " " + type() + "]";
  }
}
