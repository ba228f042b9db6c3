package dev.kpam.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Bytes on a plain socket, for requests java.net.http will not send: malformed request lines, bad
 * percent-encoding, oversized headers, slow clients.
 */
final class RawHttp {
  private RawHttp() {}

  /** Sends {@code request} as it is and reads the answer until the server closes. */
  static Answer exchange(URI server, byte[] request) {
    try (Socket socket = open(server)) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return Answer.parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Answer exchange(URI server, String request) {
    return exchange(server, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static Socket open(URI server) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** Everything up to the end of the stream; a reset after some bytes ends it too. */
  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      if (all.size() == 0) {
        throw reset;
      }
    }
    return all.toByteArray();
  }

  /** A response: status, the Content-Type header and the body. */
  record Answer(int status, String contentType, String body, String head) {
    static Answer parse(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || end < 0) {
        throw new IllegalStateException("not an HTTP response: '" + text + "'");
      }
      String head = text.substring(0, end);
      String contentType = null;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
          contentType = line.substring("content-type:".length()).trim();
        }
      }
      return new Answer(
          Integer.parseInt(head.substring(9, 12)), contentType, text.substring(end + 4), head);
    }

    Api.Response asApi() {
      return new Api.Response(status, body, null);
    }
  }
}
