package dev.residual.transformer.tokenizer;

/**
 * GPT-2's byte↔unicode table ({@code bytes_to_unicode} in OpenAI's {@code encoder.py}). BPE
 * vocabulary files store tokens as strings in which every byte is one printable character: bytes
 * 33–126, 161–172 and 174–255 stand for themselves, and the remaining 68 bytes (control characters,
 * space, DEL, the Latin-1 block's non-printables and the soft hyphen) map in ascending order to
 * U+0100, U+0101, ... so that, for example, a space is {@code 'Ġ'} (U+0120).
 */
final class ByteLevel {

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
      char c = printable ? (char) b : (char) (256 + next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** Returns the vocabulary character standing for byte {@code b} (0–255). */
  static char toChar(int b) {
    return BYTE_TO_CHAR[b & 0xff];
  }

  /** Returns the byte a vocabulary character stands for, or -1 if it is not in the table. */
  static int toByte(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /**
   * Converts a vocabulary string to its bytes, or returns null if a character is outside the table
   * (which happens only for added tokens that were not byte-encoded).
   */
  static byte[] toBytes(String s) {
    byte[] out = new byte[s.length()];
    for (int i = 0; i < out.length; i++) {
      int b = toByte(s.charAt(i));
      if (b < 0) {
        return null;
      }
      out[i] = (byte) b;
    }
    return out;
  }

  /** Converts bytes to their vocabulary string. */
  static String toVocabString(byte[] bytes) {
    char[] cs = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      cs[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
    }
    return new String(cs);
  }
}
