package dev.kpam.cli.access;

import dev.kpam.crypto.pki.KeyStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A blocking HTTPS/1.1 client on one socket, to see exactly what the local proxy sends back. */
final class TlsTestClient implements AutoCloseable {
  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  TlsTestClient(int port, X509Certificate trusted) throws Exception {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(KeyStores.trustStore(List.of(trusted)));
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    socket =
        (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void get(String path, String token) throws IOException {
    send(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nKubectl-Command: kubectl get\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "\r\n");
  }

  /** The status line and headers, up to the blank line. */
  String head() throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  String body(String head) throws IOException {
    int length =
        Integer.parseInt(
            head.lines()
                .filter(line -> line.toLowerCase().startsWith("content-length:"))
                .findFirst()
                .orElseThrow()
                .substring("content-length:".length())
                .strip());
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** One chunk of a chunked body; empty for the last one. */
  String chunk() throws IOException {
    int size = Integer.parseInt(line().strip(), 16);
    String data = new String(in.readNBytes(size), StandardCharsets.UTF_8);
    line();
    return data;
  }

  String read(int bytes) throws IOException {
    return new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
  }

  /** Whether the server closed the connection (end of stream). */
  /** Every byte until the peer closes. */
  byte[] readToEnd() throws IOException {
    return in.readAllBytes();
  }

  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
