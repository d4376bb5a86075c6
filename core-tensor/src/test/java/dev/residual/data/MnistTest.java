package dev.residual.data;

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
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
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

  /** Pixel k of the file is k mod 256. */
  private static byte[] pixels(int n) {
    byte[] p = new byte[n];
    for (int k = 0; k < n; k++) {
      p[k] = (byte) k;
    }
    return p;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static void assertMessage(Executable r, String... parts) {
    IOException e = assertThrows(IOException.class, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  @FunctionalInterface
  private interface Executable {
    void run() throws Throwable;
  }

  private static void assertImages(Tensor t, int n, int rows, int cols) {
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(new long[] {n, 1, rows, cols}, t.shape());
    float[] v = t.toFloatArray();
    for (int k = 0; k < v.length; k++) {
      assertEquals((k % 256) / 255f, v[k], 0f, "pixel " + k);
    }
  }

  @Test
  void rawImagesRoundTripToFloatsInUnitRange() throws IOException {
    Path p = write("imgs", idx(2051, new int[] {3, 28, 28}, pixels(3 * 28 * 28)));
    Tensor t = Mnist.readImages(p);
    assertImages(t, 3, 28, 28);
    float[] v = t.toFloatArray();
    assertEquals(0f, v[0], 0f);
    assertEquals(1f, v[255], 0f);
  }

  @Test
  void gzippedImagesAreDetectedByMagicBytesNotName() throws IOException {
    byte[] raw = idx(2051, new int[] {2, 28, 28}, pixels(2 * 28 * 28));
    Path plainName = write("images-without-gz-suffix", gzip(raw));
    assertImages(Mnist.readImages(plainName), 2, 28, 28);
    Path gzName = write("raw-despite-name.gz", raw);
    assertImages(Mnist.readImages(gzName), 2, 28, 28);
  }

  @Test
  void nonSquareImageSizesFollowTheHeader() throws IOException {
    Path p = write("imgs.gz", gzip(idx(2051, new int[] {4, 5, 7}, pixels(4 * 5 * 7))));
    assertImages(Mnist.readImages(p), 4, 5, 7);
  }

  @Test
  void labelsRoundTripAsInt64() throws IOException {
    byte[] body = {7, 0, 9, (byte) 200};
    Tensor raw = Mnist.readLabels(write("labels", idx(2049, new int[] {4}, body)));
    Tensor gz = Mnist.readLabels(write("labels.gz", gzip(idx(2049, new int[] {4}, body))));
    for (Tensor t : List.of(raw, gz)) {
      assertEquals(DType.INT64, t.dtype());
      assertArrayEquals(new long[] {4}, t.shape());
      assertArrayEquals(new long[] {7, 0, 9, 200}, t.toLongArray());
    }
  }

  @Test
  void emptyFilesWithZeroCountAreValid() throws IOException {
    Tensor imgs = Mnist.readImages(write("i", idx(2051, new int[] {0, 28, 28}, new byte[0])));
    assertArrayEquals(new long[] {0, 1, 28, 28}, imgs.shape());
    assertArrayEquals(
        new long[] {0},
        Mnist.readLabels(write("l", idx(2049, new int[] {0}, new byte[0]))).shape());
  }

  @Test
  void loadPairsImagesWithLabels() throws IOException {
    Path imgs = write("i.gz", gzip(idx(2051, new int[] {3, 2, 2}, pixels(12))));
    Path labels = write("l.gz", gzip(idx(2049, new int[] {3}, new byte[] {1, 2, 3})));
    Mnist.Data d = Mnist.load(imgs, labels);
    assertEquals(3, d.size());
    assertArrayEquals(new long[] {3, 1, 2, 2}, d.images().shape());
    assertArrayEquals(new long[] {1, 2, 3}, d.labels().toLongArray());
    assertEquals(3, d.dataset().size());
  }

  @Test
  void trainAndTestFindStandardFileNamesWithOrWithoutGz() throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(idx(2051, new int[] {2, 3, 3}, pixels(18))));
    write("train-labels-idx1-ubyte", idx(2049, new int[] {2}, new byte[] {4, 5}));
    write("t10k-images-idx3-ubyte", idx(2051, new int[] {1, 3, 3}, pixels(9)));
    write("t10k-labels-idx1-ubyte.gz", gzip(idx(2049, new int[] {1}, new byte[] {6})));
    assertEquals(2, Mnist.train(dir).size());
    assertArrayEquals(new long[] {6}, Mnist.test(dir).labels().toLongArray());
    assertMessage(() -> Mnist.train(dir.resolve("elsewhere")), "train-images-idx3-ubyte");
  }

  @Test
  void mismatchedCountsNameBothFilesAndCounts() throws IOException {
    Path imgs = write("imgs-file", idx(2051, new int[] {3, 2, 2}, pixels(12)));
    Path labels = write("labels-file", idx(2049, new int[] {2}, new byte[] {1, 2}));
    assertMessage(
        () -> Mnist.load(imgs, labels), "imgs-file", "labels-file", "3 images", "2 labels");
  }

  @Test
  void wrongMagicNumberIsRejected() throws IOException {
    Path labelsFile = write("labels", idx(2049, new int[] {1}, new byte[] {1}));
    assertMessage(() -> Mnist.readImages(labelsFile), "labels", "2049", "expected 2051");
    Path imagesFile = write("images", idx(2051, new int[] {1, 1, 1}, new byte[] {1}));
    assertMessage(() -> Mnist.readLabels(imagesFile), "images", "2051", "expected 2049");
    Path junk = write("junk.gz", gzip("hello world, not idx".getBytes()));
    assertMessage(() -> Mnist.readImages(junk), "junk.gz", "expected 2051");
  }

  @Test
  void truncatedHeaderIsRejected() throws IOException {
    Path tiny = write("tiny", new byte[] {0, 0});
    assertMessage(() -> Mnist.readImages(tiny), "tiny", "truncated", "header");
    byte[] head = Arrays.copyOf(idx(2051, new int[] {1, 28, 28}, new byte[0]), 12);
    Path shortHead = write("short-head", head);
    assertMessage(() -> Mnist.readImages(shortHead), "short-head", "truncated", "16-byte");
    Path shortLabels = write("short-labels", new byte[] {0, 0, 8, 1, 0});
    assertMessage(() -> Mnist.readLabels(shortLabels), "short-labels", "truncated", "8-byte");
  }

  @Test
  void truncatedBodyIsRejected() throws IOException {
    byte[] full = idx(2051, new int[] {2, 28, 28}, pixels(2 * 28 * 28));
    Path cut = write("cut", Arrays.copyOf(full, full.length - 10));
    assertMessage(() -> Mnist.readImages(cut), "cut", "truncated", "2 images of 28x28", "1558");
    Path cutGz = write("cut-gz", gzip(Arrays.copyOf(full, full.length - 10)));
    assertMessage(() -> Mnist.readImages(cutGz), "cut-gz", "truncated");
    Path labels = write("labels", idx(2049, new int[] {5}, new byte[] {1, 2}));
    assertMessage(() -> Mnist.readLabels(labels), "labels", "truncated", "5 labels", "only 2");
  }

  @Test
  void truncatedGzipStreamIsRejected() throws IOException {
    byte[] gz = gzip(idx(2051, new int[] {2, 28, 28}, pixels(2 * 28 * 28)));
    Path p = write("broken.gz", Arrays.copyOf(gz, gz.length / 2));
    assertMessage(() -> Mnist.readImages(p), "broken.gz", "gzip");
  }

  @Test
  void trailingBytesAreRejected() throws IOException {
    Path p = write("long", idx(2049, new int[] {2}, new byte[] {1, 2, 3}));
    assertMessage(() -> Mnist.readLabels(p), "long", "1 unexpected bytes");
  }

  @Test
  void nonsensicalHeadersAreRejected() throws IOException {
    Path neg = write("neg", idx(2049, new int[] {-1}, new byte[0]));
    assertMessage(() -> Mnist.readLabels(neg), "neg", "negative");
    Path zero = write("zero", idx(2051, new int[] {1, 0, 28}, new byte[0]));
    assertMessage(() -> Mnist.readImages(zero), "zero", "0x28");
    Path huge = write("huge", idx(2051, new int[] {100000, 1000, 1000}, new byte[0]));
    assertMessage(() -> Mnist.readImages(huge), "huge", "more than a tensor can hold");
  }

  @Test
  void missingFileIsNamed() {
    assertMessage(() -> Mnist.readImages(dir.resolve("absent")), "absent", "not found");
    assertMessage(() -> Mnist.readLabels(dir.resolve("absent2")), "absent2");
  }

  /** {@code shared/data/mnist-10k} found by walking up from the working directory, or null. */
  private static Path sharedMnist() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared/data/mnist-10k");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Test
  void sharedMnist10kHas9000TrainAnd1000TestImagesWithDigitLabels() throws IOException {
    Path root = sharedMnist();
    assumeTrue(root != null, "shared/data/mnist-10k not present");
    Mnist.Data train = Mnist.train(root);
    Mnist.Data test = Mnist.test(root);
    assertArrayEquals(new long[] {9000, 1, 28, 28}, train.images().shape());
    assertArrayEquals(new long[] {1000, 1, 28, 28}, test.images().shape());
    for (Mnist.Data d : List.of(train, test)) {
      for (long label : d.labels().toLongArray()) {
        assertTrue(label >= 0 && label <= 9, "label " + label);
      }
      assertEquals(0.0, d.images().min().item(), 0.0);
      assertEquals(1.0, d.images().max().item(), 0.0);
    }
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(train.dataset())
            .batchSize(128)
            .shuffle(new dev.residual.tensor.Generator(0))
            .build();
    assertEquals(71, loader.numBatches());
    long seen = 0;
    for (List<Tensor> batch : loader) {
      assertArrayEquals(new long[] {batch.get(1).size(0), 1, 28, 28}, batch.get(0).shape());
      seen += batch.get(1).size(0);
    }
    assertEquals(9000, seen);
  }
}
