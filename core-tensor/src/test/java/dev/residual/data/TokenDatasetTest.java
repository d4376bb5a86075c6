package dev.residual.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenDatasetTest {
  @TempDir Path dir;

  /** Tokens whose value encodes their position, spanning the full uint16 range. */
  private static int[] positional(int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = (i * 7919) % 65536;
    }
    return t;
  }

  private static void assertMessage(
      Class<? extends Throwable> type, Executable r, String... parts) {
    Throwable e = assertThrows(type, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @FunctionalInterface
  private interface Executable {
    void run() throws Throwable;
  }

  @Test
  void writeStoresUint16LittleEndian() throws IOException {
    Path p = dir.resolve("t.bin");
    TokenDataset.write(p, new int[] {1, 258, 65535, 0});
    assertArrayEquals(
        new byte[] {1, 0, 2, 1, (byte) 0xFF, (byte) 0xFF, 0, 0}, Files.readAllBytes(p));
    TokenDataset ds = TokenDataset.open(p);
    assertEquals(4, ds.numTokens());
    assertEquals(65535, ds.token(2));
    assertEquals(258, ds.token(1));
    assertEquals(p, ds.path());
  }

  @Test
  void targetsAreInputsShiftedByOne() throws IOException {
    int[] tokens = positional(1000);
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, tokens);
    TokenDataset ds = TokenDataset.open(p, 16);
    TokenDataset.Batch b = ds.batch(8, 16, new Generator(0));
    assertEquals(DType.INT64, b.x().dtype());
    assertEquals(DType.INT64, b.y().dtype());
    assertArrayEquals(new long[] {8, 16}, b.x().shape());
    assertArrayEquals(new long[] {8, 16}, b.y().shape());
    long[] x = b.x().toLongArray();
    long[] y = b.y().toLongArray();
    for (int r = 0; r < 8; r++) {
      int start = -1;
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i] == x[r * 16]) {
          start = i;
        }
      }
      assertTrue(start >= 0 && start <= 1000 - 16 - 1, "start " + start);
      for (int t = 0; t < 16; t++) {
        assertEquals(tokens[start + t], x[r * 16 + t]);
        assertEquals(tokens[start + t + 1], y[r * 16 + t]);
      }
    }
  }

  @Test
  void startsAreDrawnAsNanoGptRandint() throws IOException {
    int[] tokens = positional(300);
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, tokens);
    Generator ref = new Generator(9);
    TokenDataset.Batch b = TokenDataset.open(p).batch(5, 10, new Generator(9));
    long[] x = b.x().toLongArray();
    for (int r = 0; r < 5; r++) {
      long start = ref.nextLong(300 - 10);
      assertEquals(tokens[(int) start], x[r * 10]);
    }
  }

  @Test
  void batchesAreReproducibleBySeed() throws IOException {
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, positional(5000));
    TokenDataset ds = TokenDataset.open(p);
    TokenDataset.Batch a = ds.batch(4, 32, new Generator(123));
    TokenDataset.Batch b = ds.batch(4, 32, new Generator(123));
    TokenDataset.Batch c = ds.batch(4, 32, new Generator(124));
    assertArrayEquals(a.x().toLongArray(), b.x().toLongArray());
    assertArrayEquals(a.y().toLongArray(), b.y().toLongArray());
    assertFalse(java.util.Arrays.equals(a.x().toLongArray(), c.x().toLongArray()));
  }

  @Test
  void blocksSpanningMappingChunksReadCorrectly() throws IOException {
    int[] tokens = positional(101);
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, tokens);
    // 6-byte windows: every block of 8 tokens crosses several chunk boundaries.
    TokenDataset ds = TokenDataset.open(p, 6L);
    for (int i = 0; i < tokens.length; i++) {
      assertEquals(tokens[i], ds.token(i));
    }
    Generator ref = new Generator(4);
    TokenDataset.Batch b = ds.batch(6, 8, new Generator(4));
    long[] x = b.x().toLongArray();
    long[] y = b.y().toLongArray();
    for (int r = 0; r < 6; r++) {
      int start = (int) ref.nextLong(101 - 8);
      for (int t = 0; t < 8; t++) {
        assertEquals(tokens[start + t], x[r * 8 + t]);
        assertEquals(tokens[start + t + 1], y[r * 8 + t]);
      }
    }
  }

  @Test
  void smallestFileHoldsExactlyOneBlock() throws IOException {
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, new int[] {5, 6, 7, 8});
    TokenDataset.Batch b = TokenDataset.open(p, 3).batch(2, 3, new Generator(0));
    assertArrayEquals(new long[] {5, 6, 7, 5, 6, 7}, b.x().toLongArray());
    assertArrayEquals(new long[] {6, 7, 8, 6, 7, 8}, b.y().toLongArray());
  }

  @Test
  void prepareSplitsTrainAndValLikeNanoGpt() throws IOException {
    int[] tokens = positional(100);
    Path out = dir.resolve("shakespeare");
    TokenDataset.prepare(out, tokens, 0.9);
    TokenDataset train = TokenDataset.open(out.resolve("train.bin"));
    TokenDataset val = TokenDataset.open(out.resolve("val.bin"));
    assertEquals(90, train.numTokens());
    assertEquals(10, val.numTokens());
    assertEquals(tokens[90], val.token(0));
    assertEquals(tokens[89], train.token(89));
  }

  @Test
  void missingFileIsNamed() {
    Path p = dir.resolve("nope.bin");
    assertMessage(IOException.class, () -> TokenDataset.open(p), "nope.bin", "not found");
  }

  @Test
  void oddByteLengthIsRejected() throws IOException {
    Path p = dir.resolve("odd.bin");
    Files.write(p, new byte[] {1, 0, 2});
    assertMessage(IOException.class, () -> TokenDataset.open(p), "odd.bin", "odd length", "3");
  }

  @Test
  void fileTooShortForABlockIsRejected() throws IOException {
    Path p = dir.resolve("short.bin");
    TokenDataset.write(p, new int[] {1, 2, 3, 4});
    assertMessage(
        IOException.class, () -> TokenDataset.open(p, 4), "short.bin", "4 tokens", "block of 4");
    TokenDataset ds = TokenDataset.open(p);
    assertMessage(
        IllegalArgumentException.class, () -> ds.batch(1, 4, new Generator(0)), "short.bin");
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);
    assertMessage(IOException.class, () -> TokenDataset.open(empty), "empty.bin", "too short");
    Path one = dir.resolve("one.bin");
    TokenDataset.write(one, new int[] {7});
    assertMessage(IOException.class, () -> TokenDataset.open(one), "one.bin", "too short");
  }

  @Test
  void badArgumentsAreRejected() throws IOException {
    Path p = dir.resolve("train.bin");
    TokenDataset.write(p, positional(50));
    TokenDataset ds = TokenDataset.open(p);
    assertMessage(
        IllegalArgumentException.class, () -> ds.batch(0, 4, new Generator(0)), "batchSize");
    assertMessage(
        IllegalArgumentException.class, () -> ds.batch(2, 0, new Generator(0)), "blockSize");
    assertMessage(IndexOutOfBoundsException.class, () -> ds.token(50), "50", "train.bin");
    assertMessage(
        IllegalArgumentException.class,
        () -> TokenDataset.write(dir.resolve("bad.bin"), new int[] {1, 65536}),
        "65536",
        "position 1");
    assertFalse(Files.exists(dir.resolve("bad.bin")));
    assertMessage(
        IllegalArgumentException.class,
        () -> TokenDataset.write(dir.resolve("neg.bin"), new int[] {-1}),
        "-1");
    assertMessage(
        IllegalArgumentException.class,
        () -> TokenDataset.prepare(dir.resolve("d"), new int[] {1, 2}, 1.0),
        "trainFraction");
  }
}
