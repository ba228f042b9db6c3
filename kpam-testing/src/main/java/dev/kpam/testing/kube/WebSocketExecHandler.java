package dev.kpam.testing.kube;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exec and attach over the channel protocols {@code v4.channel.k8s.io} and {@code
 * v5.channel.k8s.io}: each binary message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3
 * error, 4 resize); v5 adds 255, whose payload names a stream the client has closed (KEP-4006).
 */
final class WebSocketExecHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int ERROR = 3;
  private static final int CLOSE = 255;

  private final ExecRequest exec;
  private final PodRuntime pod;
  private FakeProcess process;
  private boolean exited;
  private boolean stdinClosedEarly;

  private final Duration start;
  private final List<byte[]> early = new ArrayList<>();

  WebSocketExecHandler(ExecRequest exec, PodRuntime pod, Duration start) {
    this.exec = exec;
    this.pod = pod;
    this.start = start;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (start.isZero()) {
      startProcess(ctx);
    } else {
      ctx.executor().schedule(() -> startProcess(ctx), start.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Starts the process and gives it what stdin brought before it ran. */
  private void startProcess(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      return;
    }
    process =
        FakeShell.start(
            exec.command(),
            pod,
            new FakeProcess.Io() {
              @Override
              public void stdout(byte[] data) {
                send(ctx, STDOUT, data);
              }

              @Override
              public void stderr(byte[] data) {
                send(ctx, STDERR, data);
              }

              @Override
              public void exit(int code) {
                if (!exited) {
                  exited = true;
                  send(
                      ctx,
                      ERROR,
                      FakeShell.exitStatus(exec.command(), code).getBytes(StandardCharsets.UTF_8));
                  ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""));
                }
              }
            });
    for (byte[] data : early) {
      process.stdin(data);
    }
    early.clear();
    if (!exec.stdin() || stdinClosedEarly) {
      process.stdinClosed();
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (!(frame instanceof BinaryWebSocketFrame) || exited) {
      return;
    }
    ByteBuf content = frame.content();
    if (!content.isReadable()) {
      return;
    }
    int channel = content.readUnsignedByte();
    if (channel == STDIN) {
      byte[] data = ByteBufUtil.getBytes(content);
      if (process == null) {
        early.add(data);
      } else {
        process.stdin(data);
      }
    } else if (channel == CLOSE && content.isReadable() && content.readUnsignedByte() == STDIN) {
      if (process == null) {
        stdinClosedEarly = true;
      } else {
        process.stdinClosed();
      }
    }
  }

  private void send(ChannelHandlerContext ctx, int channel, byte[] data) {
    ctx.writeAndFlush(
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) channel}, data)));
  }
}
