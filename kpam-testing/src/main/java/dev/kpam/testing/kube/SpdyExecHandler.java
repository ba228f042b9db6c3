package dev.kpam.testing.kube;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Exec and attach over SPDY/3.1 ({@code v4.channel.k8s.io}): the client opens one stream per {@code
 * streamtype} (error, stdin, stdout, stderr, resize); the process starts once all the streams the
 * query asked for are open. Its exit status goes on the error stream as a {@code Status}, then the
 * server half-closes its streams and lets the client close the connection.
 */
final class SpdyExecHandler extends ChannelInboundHandlerAdapter {
  private final ExecRequest exec;
  private final PodRuntime pod;
  private final Map<String, Integer> streams = new HashMap<>();
  private FakeProcess process;
  private boolean exited;

  SpdyExecHandler(ExecRequest exec, PodRuntime pod) {
    this.exec = exec;
    this.pod = pod;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        SpdyStreams.reply(ctx, syn);
        streams.put(SpdyStreams.header(syn, "streamtype"), syn.streamId());
        if (process == null && allStreamsOpen()) {
          start(ctx);
        }
      } else if (msg instanceof SpdyDataFrame data && process != null && !exited) {
        Integer stdin = streams.get("stdin");
        if (stdin != null && data.streamId() == stdin) {
          if (data.content().isReadable()) {
            process.stdin(ByteBufUtil.getBytes(data.content()));
          }
          if (data.isLast()) {
            process.stdinClosed();
          }
        }
      } else if (msg instanceof SpdyPingFrame ping) {
        SpdyStreams.pong(ctx, ping);
      } else if (msg instanceof SpdyGoAwayFrame) {
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private boolean allStreamsOpen() {
    return streams.containsKey("error")
        && (!exec.stdin() || streams.containsKey("stdin"))
        && (!exec.stdout() || streams.containsKey("stdout"))
        && (!exec.stderr() || exec.tty() || streams.containsKey("stderr"))
        && (!exec.tty() || streams.containsKey("resize"));
  }

  private void start(ChannelHandlerContext ctx) {
    process =
        FakeShell.start(
            exec.command(),
            pod,
            new FakeProcess.Io() {
              @Override
              public void stdout(byte[] data) {
                write(ctx, "stdout", data);
              }

              @Override
              public void stderr(byte[] data) {
                write(ctx, exec.tty() ? "stdout" : "stderr", data);
              }

              @Override
              public void exit(int code) {
                if (exited) {
                  return;
                }
                exited = true;
                write(
                    ctx,
                    "error",
                    FakeShell.exitStatus(exec.command(), code).getBytes(StandardCharsets.UTF_8));
                for (String type : new String[] {"stdout", "stderr", "error"}) {
                  Integer id = streams.get(type);
                  if (id != null) {
                    SpdyStreams.finish(ctx, id);
                  }
                }
              }
            });
    if (!exec.stdin()) {
      process.stdinClosed();
    }
  }

  private void write(ChannelHandlerContext ctx, String type, byte[] data) {
    Integer id = streams.get(type);
    if (id != null && data.length > 0) {
      SpdyStreams.data(ctx, id, data);
    }
  }
}
