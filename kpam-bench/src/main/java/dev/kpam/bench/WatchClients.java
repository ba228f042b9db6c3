package dev.kpam.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Idle watches of pods held open through CLI local proxies, all on one Netty event loop thread: no
 * thread per watch. A watch counts as open once its first event (the ADDED of the existing pod)
 * arrived, and as delivered once a later event names the marker pod of {@link #deliver}. Opening is
 * bounded in concurrency and time.
 *
 * <pre>{@code
 * try (WatchClients watches = new WatchClients(System.out)) {
 *   Opening opening = watches.open(List.of(proxy), 1000, 100, Duration.ofMinutes(10));
 *   int delivered = watches.deliver("probe", () -> addPod("probe"), Duration.ofMinutes(2));
 * }
 * }</pre>
 */
final class WatchClients implements AutoCloseable {
  static final String WATCH_PATH = "/api/v1/namespaces/default/pods?watch=true";
  private static final int MAX_FAILURE_KINDS = 20;
  private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

  /** How a run of {@link #open} ended. */
  record Opening(int opened, int failed, Map<String, Integer> failures, double seconds) {}

  /** The answer to a one-shot GET: its status, how long it took and the start of its body. */
  record Answer(int status, double millis, String body) {}

  private record Delivery(String marker, CountDownLatch latch, AtomicInteger count) {}

  private final PrintStream progress;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closedAfterOpening = new AtomicInteger();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private volatile Delivery delivery;

  WatchClients(PrintStream progress) {
    this.progress = progress;
  }

  /**
   * Opens {@code count} watches round robin over {@code targets}, at most {@code inFlight} not yet
   * open at a time, and returns once each is open or failed; fails if that takes over {@code
   * limit}.
   */
  Opening open(List<ProxyTarget> targets, int count, int inFlight, Duration limit)
      throws InterruptedException {
    Semaphore pending = new Semaphore(inFlight);
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    int step = Math.max(1, count / 10);
    for (int i = 0; i < count; i++) {
      if (!pending.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(timedOut("started " + i + " of " + count, limit));
      }
      watch(targets.get(i % targets.size()), pending);
      if ((i + 1) % step == 0) {
        progress.printf(
            "  started %d watches, %d open, %d failed (%.0f s)%n",
            i + 1, open.get(), failed.get(), (System.nanoTime() - start) / 1e9);
      }
    }
    if (!pending.tryAcquire(inFlight, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException(timedOut("started all " + count, limit));
    }
    pending.release(inFlight);
    Map<String, Integer> reasons = new TreeMap<>();
    failures.forEach((reason, times) -> reasons.put(reason, times.get()));
    return new Opening(open.get(), failed.get(), reasons, (System.nanoTime() - start) / 1e9);
  }

  /** Watches open now (their first event arrived and they have not closed since). */
  int open() {
    return open.get();
  }

  /** Watches that closed after they had opened. */
  int closedAfterOpening() {
    return closedAfterOpening.get();
  }

  /**
   * Runs {@code trigger}, which should make an event naming {@code marker}, and returns how many of
   * the open watches received it within {@code limit}.
   */
  int deliver(String marker, Runnable trigger, Duration limit) throws InterruptedException {
    Delivery expected = new Delivery(marker, new CountDownLatch(open.get()), new AtomicInteger());
    delivery = expected;
    trigger.run();
    expected.latch().await(limit.toMillis(), TimeUnit.MILLISECONDS);
    return expected.count().get();
  }

  /** One GET of {@code path} on a connection of its own, closed after the answer. */
  CompletableFuture<Answer> get(ProxyTarget target, String path) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    long start = System.nanoTime();
    bootstrap(
            target,
            channel ->
                channel
                    .pipeline()
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new OneShotGet(request(target, path, true), answer, start)))
        .connect(target.host(), target.port())
        .addListener(
            connected -> {
              if (!connected.isSuccess()) {
                answer.completeExceptionally(connected.cause());
              }
            });
    return answer;
  }

  private void watch(ProxyTarget target, Semaphore pending) {
    Watch watch = new Watch(request(target, WATCH_PATH, false), pending);
    bootstrap(target, channel -> channel.pipeline().addLast(watch))
        .connect(target.host(), target.port())
        .addListener(
            connected -> {
              if (!connected.isSuccess()) {
                watch.fail(reason(connected.cause()));
              }
            });
  }

  /** A client bootstrap whose pipeline is TLS, the HTTP codec, then what {@code rest} adds. */
  private Bootstrap bootstrap(ProxyTarget target, Consumer<Channel> rest) {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel channel) {
                channel
                    .pipeline()
                    .addLast(target.tls().newHandler(channel.alloc(), target.host(), target.port()))
                    .addLast(new HttpClientCodec());
                rest.accept(channel);
              }
            });
  }

  private static FullHttpRequest request(ProxyTarget target, String path, boolean close) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    request
        .headers()
        .set(HttpHeaderNames.HOST, target.host() + ":" + target.port())
        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + target.token())
        .set(HttpHeaderNames.ACCEPT, "application/json");
    if (close) {
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return request;
  }

  private String timedOut(String started, Duration limit) {
    return "opening the watches took longer than %s (%s, %d open, %d failed: %s)"
        .formatted(limit, started, open.get(), failed.get(), failures);
  }

  private static String reason(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    return cause.getClass().getSimpleName()
        + ": "
        + message.substring(0, Math.min(120, message.length()));
  }

  private void countFailure(String reason) {
    failed.incrementAndGet();
    String kind = failures.size() < MAX_FAILURE_KINDS ? reason : "(other reasons)";
    failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * One watch: sends the request, then reads lines of events. Until it is open or failed it holds a
   * permit of the opening's {@code pending}.
   */
  private final class Watch extends SimpleChannelInboundHandler<HttpObject> {
    private final FullHttpRequest request;
    private final Semaphore pending;
    private final StringBuilder line = new StringBuilder();
    private boolean settled;
    private boolean opened;
    private boolean delivered;
    private int status;

    Watch(FullHttpRequest request, Semaphore pending) {
      this.request = request;
      this.pending = pending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(request);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (message instanceof HttpResponse response) {
        status = response.status().code();
      }
      if (message instanceof HttpContent content) {
        line.append(content.content().toString(StandardCharsets.UTF_8));
        if (status != 200) {
          if (message instanceof LastHttpContent || line.length() > 200) {
            fail("HTTP " + status + ": " + line.substring(0, Math.min(120, line.length())));
            ctx.close();
          }
          return;
        }
        for (int end = line.indexOf("\n"); end >= 0; end = line.indexOf("\n")) {
          onEvent(line.substring(0, end));
          line.delete(0, end + 1);
        }
      }
    }

    private void onEvent(String event) {
      if (!opened) {
        opened = true;
        open.incrementAndGet();
        settle();
        return;
      }
      Delivery expected = delivery;
      if (!delivered && expected != null && event.contains('"' + expected.marker() + '"')) {
        delivered = true;
        expected.count().incrementAndGet();
        expected.latch().countDown();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (opened) {
        open.decrementAndGet();
        closedAfterOpening.incrementAndGet();
      } else {
        fail(status == 0 ? "closed before the response" : "closed before the first event");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!opened) {
        fail(reason(cause));
      }
      ctx.close();
    }

    void fail(String reason) {
      if (!settled) {
        countFailure(reason);
        settle();
      }
    }

    private void settle() {
      if (!settled) {
        settled = true;
        pending.release();
      }
    }
  }

  /** Sends one request and completes {@code answer} with the aggregated response. */
  private static final class OneShotGet extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final FullHttpRequest request;
    private final CompletableFuture<Answer> answer;
    private final long start;

    OneShotGet(FullHttpRequest request, CompletableFuture<Answer> answer, long start) {
      this.request = request;
      this.answer = answer;
      this.start = start;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(request);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      String body = response.content().toString(StandardCharsets.UTF_8);
      answer.complete(
          new Answer(
              response.status().code(),
              (System.nanoTime() - start) / 1e6,
              body.substring(0, Math.min(200, body.length()))));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      answer.completeExceptionally(new IOException("the connection closed before the answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      answer.completeExceptionally(cause);
      ctx.close();
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
