package dev.kpam.gateway.record.cast;

import java.nio.charset.StandardCharsets;

/**
 * Decodes one byte stream (stdout, stderr or stdin) as UTF-8, piece by piece: a multi-byte sequence
 * split between two pieces is held back (at most 3 bytes) until the next one completes it.
 * Validates strictly (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF), and
 * takes a NUL byte for a sign of binary data, as terminal output never carries one.
 */
final class Utf8Text {
  private final byte[] held = new byte[3];
  private int heldLength;

  /**
   * The text of the held bytes followed by {@code bytes[offset, offset + length)}, up to the last
   * complete character; null when the stream is not text.
   */
  String decode(byte[] bytes, int offset, int length) {
    byte[] data = bytes;
    int start = offset;
    int end = offset + length;
    if (heldLength > 0) {
      data = new byte[heldLength + length];
      System.arraycopy(held, 0, data, 0, heldLength);
      System.arraycopy(bytes, offset, data, heldLength, length);
      start = 0;
      end = data.length;
      heldLength = 0;
    }
    int i = start;
    while (i < end) {
      int lead = data[i] & 0xff;
      if (lead == 0) {
        return null;
      }
      if (lead < 0x80) {
        i++;
        continue;
      }
      int trailing;
      int low = 0x80;
      int high = 0xbf;
      if (lead >= 0xc2 && lead <= 0xdf) {
        trailing = 1;
      } else if (lead >= 0xe0 && lead <= 0xef) {
        trailing = 2;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
      } else if (lead >= 0xf0 && lead <= 0xf4) {
        trailing = 3;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
      } else {
        return null;
      }
      for (int k = 1; k <= trailing; k++) {
        if (i + k == end) {
          heldLength = end - i;
          System.arraycopy(data, i, held, 0, heldLength);
          return new String(data, start, i - start, StandardCharsets.UTF_8);
        }
        int next = data[i + k] & 0xff;
        if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) {
          return null;
        }
      }
      i += trailing + 1;
    }
    return new String(data, start, end - start, StandardCharsets.UTF_8);
  }
}
