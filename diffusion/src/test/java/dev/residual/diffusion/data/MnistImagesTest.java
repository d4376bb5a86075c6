package dev.residual.diffusion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistImagesTest {
  @TempDir Path dir;

  private static byte[] idx(int magic, int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  /** Writes n 28x28 images whose pixel k is 0 except pixel (0, 0) = 255 and (27, 27) = 51. */
  private void writeSplit(String prefix, int n, boolean gz) throws IOException {
    byte[] px = new byte[n * 28 * 28];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      px[i * 784] = (byte) 255;
      px[i * 784 + 783] = (byte) 51;
      labels[i] = (byte) (i % 10);
    }
    byte[] images = idx(2051, new int[] {n, 28, 28}, px);
    byte[] lab = idx(2049, new int[] {n}, labels);
    String suffix = gz ? ".gz" : "";
    Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gz ? gzip(images) : images);
    Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gz ? gzip(lab) : lab);
  }

  @Test
  void loadScalesPixelsToMinusOneOne() throws IOException {
    writeSplit("train", 3, true);
    MnistImages.Split s = MnistImages.load(dir, true, false);
    assertArrayEquals(new long[] {3, 1, 28, 28}, s.images().shape());
    assertEquals(DType.FLOAT32, s.images().dtype());
    assertEquals(DType.INT64, s.labels().dtype());
    assertArrayEquals(new long[] {0, 1, 2}, s.labels().toLongArray());
    assertEquals(3, s.size());
    assertEquals(1.0, s.images().get(1, 0, 0, 0), 1e-7);
    assertEquals(2 * 51 / 255.0 - 1, s.images().get(1, 0, 27, 27), 1e-6);
    assertEquals(-1.0, s.images().get(1, 0, 5, 5), 1e-7);
  }

  @Test
  void pad32CentresImagesOnBackground() throws IOException {
    writeSplit("t10k", 2, false);
    MnistImages.Split s = MnistImages.load(dir, false, true);
    assertArrayEquals(new long[] {2, 1, 32, 32}, s.images().shape());
    // (0, 0) of the 28x28 image lands at (2, 2); the border is background.
    assertEquals(1.0, s.images().get(1, 0, 2, 2), 1e-7);
    assertEquals(2 * 51 / 255.0 - 1, s.images().get(1, 0, 29, 29), 1e-6);
    for (int k = 0; k < 32; k++) {
      assertEquals(-1.0, s.images().get(0, 0, 0, k));
      assertEquals(-1.0, s.images().get(0, 0, 31, k));
      assertEquals(-1.0, s.images().get(0, 0, k, 1));
      assertEquals(-1.0, s.images().get(0, 0, k, 30));
    }
    float[] v = s.images().toFloatArray();
    double sum = 0;
    for (float f : v) {
      sum += f + 1;
    }
    // Only the two bright pixels per image differ from the background.
    assertEquals(2 * (2 + 2 * 51 / 255.0), sum, 1e-4);
  }

  @Test
  void missingFileIsNamed() throws IOException {
    writeSplit("train", 2, false);
    Files.delete(dir.resolve("train-labels-idx1-ubyte"));
    IOException e = assertThrows(IOException.class, () -> MnistImages.load(dir, true, false));
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
    IOException e2 = assertThrows(IOException.class, () -> MnistImages.load(dir, false, false));
    assertTrue(e2.getMessage().contains("t10k-images-idx3-ubyte"), e2.getMessage());
  }

  @Test
  void missingDirectoryIsNamed() {
    Path nowhere = dir.resolve("nowhere");
    IOException e = assertThrows(IOException.class, () -> MnistImages.load(nowhere, true, false));
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }

  @Test
  void padRejectsLargerImagesAndWrongTypes() {
    IllegalArgumentException big =
        assertThrows(
            IllegalArgumentException.class,
            () -> MnistImages.pad(Tensor.zeros(DType.FLOAT32, 1, 1, 33, 33), 32));
    assertTrue(big.getMessage().contains("[1, 1, 33, 33]"), big.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> MnistImages.pad(Tensor.zeros(DType.FLOAT64, 1, 1, 28, 28), 32));
    assertThrows(
        IllegalArgumentException.class,
        () -> MnistImages.toSymmetric(Tensor.zeros(DType.INT64, 2)));
  }

  @Test
  void realMnistLoadsWhenPresent() throws IOException {
    Path real = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null && real == null; d = d.getParent()) {
      Path candidate = d.resolve("shared/data/mnist-10k");
      real = Files.isDirectory(candidate) ? candidate : null;
    }
    assumeTrue(real != null, "shared/data/mnist-10k not present");
    MnistImages.Split test = MnistImages.load(real, false, true);
    assertArrayEquals(new long[] {1000, 1, 32, 32}, test.images().shape());
    assertEquals(-1.0, test.images().min().item());
    assertEquals(1.0, test.images().max().item());
  }
}
