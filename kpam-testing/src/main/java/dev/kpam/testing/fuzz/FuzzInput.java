package dev.kpam.testing.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One fuzz case: the input bytes, consumed from the front for choices (like Jazzer's {@code
 * FuzzedDataProvider}; an exhausted input yields zeros), and the buffers of the case, tracked so
 * that {@link #leaked()} can count those still referenced after it.
 *
 * <pre>{@code
 * int chunk = in.consumeInt(1, 64);
 * ByteBuf bytes = in.track(Unpooled.wrappedBuffer(in.remainingBytes()));
 * }</pre>
 */
public final class FuzzInput {
  private final byte[] data;
  private int position;
  private final List<ReferenceCounted> tracked = new ArrayList<>();

  public FuzzInput(byte[] data) {
    this.data = data;
  }

  /** The whole input, whatever was consumed. */
  public byte[] data() {
    return data;
  }

  public int remaining() {
    return data.length - position;
  }

  public boolean consumeBoolean() {
    return (consumeByte() & 1) != 0;
  }

  public int consumeByte() {
    return position < data.length ? data[position++] & 0xff : 0;
  }

  /** An int in {@code [min, max]}. */
  public int consumeInt(int min, int max) {
    long range = (long) max - min + 1;
    long value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | consumeByte();
    }
    return (int) (min + Math.floorMod(value, range));
  }

  /** One of {@code choices}. */
  @SafeVarargs
  public final <T> T pick(T... choices) {
    return choices[consumeInt(0, choices.length - 1)];
  }

  /** Up to {@code max} bytes. */
  public byte[] consumeBytes(int max) {
    int length = Math.min(max, remaining());
    byte[] bytes = Arrays.copyOfRange(data, position, position + length);
    position += length;
    return bytes;
  }

  /** A string of up to {@code max} bytes, decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String consumeString(int max) {
    int length = consumeInt(0, max);
    return new String(consumeBytes(length), StandardCharsets.UTF_8);
  }

  /** What is left of the input. */
  public byte[] remainingBytes() {
    return consumeBytes(remaining());
  }

  /** A buffer holding {@code bytes}, tracked (a real one even when empty, unlike Unpooled's). */
  public ByteBuf buffer(byte[] bytes) {
    return track(Unpooled.buffer(bytes.length).writeBytes(bytes));
  }

  /** Tracks {@code object}: the case leaks it if it is still referenced when the case ends. */
  public <T extends ReferenceCounted> T track(T object) {
    tracked.add(object);
    return object;
  }

  /** The tracked objects still referenced. */
  public int leaked() {
    int leaked = 0;
    for (ReferenceCounted object : tracked) {
      if (object.refCnt() > 0) {
        leaked++;
      }
    }
    return leaked;
  }

  /** Releases what the case leaked, so that one leak is counted once. */
  void releaseLeaked() {
    for (ReferenceCounted object : tracked) {
      if (object.refCnt() > 0) {
        object.release(object.refCnt());
      }
    }
  }
}
