package dev.residual.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte for tests, including malformed ones. */
final class SafeTensorsFiles {
  private SafeTensorsFiles() {}

  /** Writes {@code headerLength} (little-endian), then {@code rest} as is. */
  static Path raw(Path p, long headerLength, byte[] rest) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength).put(rest);
    Files.write(p, b.array());
    return p;
  }

  /** A file with the given JSON header (its true length) followed by {@code data}. */
  static Path file(Path p, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] rest = new byte[h.length + data.length];
    System.arraycopy(h, 0, rest, 0, h.length);
    System.arraycopy(data, 0, rest, h.length, data.length);
    return raw(p, h.length, rest);
  }

  /** The header JSON text of a file's bytes (including any padding). */
  static String headerOf(byte[] file) {
    long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    return new String(file, 8, (int) n, StandardCharsets.UTF_8);
  }
}
