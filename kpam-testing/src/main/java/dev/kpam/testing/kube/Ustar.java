package dev.kpam.testing.kube;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The ustar archive format (POSIX.1-1988) as far as {@code kubectl cp} needs it: regular files and
 * directories, the ustar name prefix, and PAX {@code path} records for long names (Go's archive/tar
 * writes those); other entry types are skipped.
 */
final class Ustar {
  private static final int BLOCK = 512;

  private Ustar() {}

  /** An archive of {@code entries} (name → bytes; names ending in {@code /} are directories). */
  static byte[] write(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entries.forEach(
        (name, content) -> {
          boolean directory = name.endsWith("/");
          byte[] header = new byte[BLOCK];
          byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
          if (nameBytes.length > 100) {
            throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + name);
          }
          System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
          octal(header, 100, 8, directory ? 0755 : 0644);
          octal(header, 108, 8, 0);
          octal(header, 116, 8, 0);
          octal(header, 124, 12, directory ? 0 : content.length);
          octal(header, 136, 12, 0);
          header[156] = (byte) (directory ? '5' : '0');
          System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
          Arrays.fill(header, 148, 156, (byte) ' ');
          int sum = 0;
          for (byte b : header) {
            sum += b & 0xff;
          }
          octal(header, 148, 7, sum);
          out.writeBytes(header);
          if (!directory) {
            out.writeBytes(content);
            out.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
          }
        });
    out.writeBytes(new byte[2 * BLOCK]);
    return out.toByteArray();
  }

  /**
   * Calls {@code entry} with each file (name, bytes) and directory (name ending {@code /}, null).
   */
  static void read(byte[] archive, BiConsumer<String, byte[]> entry) {
    int position = 0;
    String paxPath = null;
    while (position + BLOCK <= archive.length) {
      byte[] header = Arrays.copyOfRange(archive, position, position + BLOCK);
      position += BLOCK;
      if (header[0] == 0) {
        return;
      }
      long size = parseOctal(header, 124, 12);
      byte type = header[156];
      String name = string(header, 0, 100);
      if (string(header, 257, 5).equals("ustar")) {
        String prefix = string(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      byte[] content =
          Arrays.copyOfRange(archive, position, (int) Math.min(archive.length, position + size));
      position += (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
      if (type == 'x') {
        paxPath = paxPath(content);
        continue;
      }
      if (paxPath != null) {
        name = paxPath;
        paxPath = null;
      }
      if (type == '5') {
        entry.accept(name.endsWith("/") ? name : name + "/", null);
      } else if (type == '0' || type == 0) {
        entry.accept(name, content);
      }
    }
  }

  private static String paxPath(byte[] records) {
    for (String record : new String(records, StandardCharsets.UTF_8).split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 6);
      }
    }
    return null;
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String digits = String.format("%0" + (length - 1) + "o", value);
    byte[] bytes = digits.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  private static long parseOctal(byte[] header, int offset, int length) {
    String text = string(header, offset, length).trim();
    return text.isEmpty() ? 0 : Long.parseLong(text, 8);
  }

  private static String string(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }
}
