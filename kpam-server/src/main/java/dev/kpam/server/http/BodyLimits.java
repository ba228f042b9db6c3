package dev.kpam.server.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * How large a request body each endpoint takes, enforced before anything is buffered: a declared
 * {@code Content-Length} over the limit is answered 413 at once (the body is never read), and a
 * body without one (chunked) is cut off with a 413 as soon as reading passes the limit. Limits
 * follow each endpoint's use:
 *
 * <ul>
 *   <li>sign-in and tokens ({@code /api/v1/auth/...}, {@code /api/v1/tokens}, {@code /ui/login}):
 *       {@value #CREDENTIALS} bytes;
 *   <li>session event batches from gateways ({@code POST /api/v1/gateway/sessions/{id}/events}):
 *       {@value #EVENT_BATCH} bytes; the gateway's EventUploader sends at most 500 events of about
 *       1 MiB of spooled lines (a single line may reach 2 MiB), docs/RECORDING.md §4;
 *   <li>everything else (accounts with a token of up to 16 KiB, resources with a CA bundle, CSRs,
 *       UI forms): {@value #DEFAULT} bytes.
 * </ul>
 */
final class BodyLimits implements Filter {
  static final long CREDENTIALS = 8L * 1024;
  static final long EVENT_BATCH = 4L * 1024 * 1024;
  static final long DEFAULT = 256L * 1024;
  static final long LARGEST = EVENT_BATCH;

  private static final Pattern EVENTS = Pattern.compile("/api/v1/gateway/sessions/[^/]+/events");

  static long limitFor(String path) {
    if (path.startsWith("/api/v1/auth/")
        || path.equals("/api/v1/tokens")
        || path.startsWith("/api/v1/tokens/")
        || path.equals("/ui/login")) {
      return CREDENTIALS;
    }
    if (EVENTS.matcher(path).matches()) {
      return EVENT_BATCH;
    }
    return DEFAULT;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String path = http.getRequestURI() == null ? "/" : http.getRequestURI();
    long limit = limitFor(path);
    long declared = http.getContentLengthLong();
    String type = http.getContentType();
    if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
      // No endpoint takes multipart; Jetty would spool such a body to disk whatever its size.
      ((HttpServletResponse) response)
          .sendError(
              415,
              "Content-Type: multipart (expected: application/json, or"
                  + " application/x-www-form-urlencoded for UI forms)");
      return;
    }
    if (declared > limit) {
      // Never read: Jetty discards what has arrived and closes the connection.
      ((HttpServletResponse) response).sendError(413, tooLarge(declared + " bytes", limit));
      return;
    }
    // With a Content-Length, Jetty itself stops the body there.
    chain.doFilter(declared >= 0 ? request : new Bounded(http, limit), response);
  }

  static String tooLarge(String size, long limit) {
    return "body: " + size + " (expected: at most " + kib(limit) + " for this endpoint)";
  }

  private static String kib(long bytes) {
    return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
  }

  /** A request whose body stream fails with a 413 once more than {@code limit} bytes are read. */
  private static final class Bounded extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new BoundedStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class BoundedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    BoundedStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      counted(0);
      int b = in.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      counted(0);
      // Ask for no more than one byte past the limit, so that going over is seen at once.
      int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) {
      read += n;
      if (read > limit) {
        throw new ApiException(
            413, "payload_too_large", tooLarge("more than " + limit + " bytes", limit));
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
