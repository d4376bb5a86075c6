package dev.residual.data;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST-style IDX files (raw or gzipped), as distributed by LeCun et al. and mirrored in
 * {@code ../shared/data/mnist-10k}.
 *
 * <p>Format: a big-endian header (magic number {@code 2051} for images, {@code 2049} for labels,
 * then the item count, then for images the row and column counts) followed by one unsigned byte per
 * pixel or label. Gzip is recognised by its magic bytes {@code 0x1f 0x8b}, not by the file name.
 * Any image size declared by the header is accepted (not only 28x28).
 *
 * <p>Every malformed file is rejected with an {@link IOException} naming the file and what was
 * expected: a wrong magic number, a truncated header or body, trailing bytes after the declared
 * data, a corrupt gzip stream, or images and labels files whose counts disagree.
 */
public final class Mnist {
  /** The IDX magic number of an unsigned-byte 3-D (images) file. */
  public static final int IMAGES_MAGIC = 2051;

  /** The IDX magic number of an unsigned-byte 1-D (labels) file. */
  public static final int LABELS_MAGIC = 2049;

  private static final int CHUNK = 8192;

  private Mnist() {}

  /**
   * Images and their labels.
   *
   * @param images FLOAT32 {@code [N, 1, rows, cols]} in {@code [0, 1]}
   * @param labels INT64 {@code [N]}
   */
  public record Data(Tensor images, Tensor labels) {
    /** The number of examples. */
    public int size() {
      return (int) labels.size(0);
    }

    /** The examples as a {@link TensorDataset} of {@code [images, labels]}. */
    public TensorDataset dataset() {
      return new TensorDataset(images, labels);
    }
  }

  /**
   * Reads an IDX images file.
   *
   * @return FLOAT32 {@code [N, 1, rows, cols]}, each pixel {@code byte / 255}
   * @throws IOException naming the file if it is missing, not an IDX images file (magic {@value
   *     #IMAGES_MAGIC}), truncated, followed by extra bytes, or a corrupt gzip stream
   */
  public static Tensor readImages(Path path) throws IOException {
    byte[] bytes = readMaybeGzipped(path);
    checkMagic(path, bytes, IMAGES_MAGIC, "images");
    requireHeader(path, bytes, 16, "images");
    long n = readCount(path, bytes, 4, "image count");
    long rows = readCount(path, bytes, 8, "row count");
    long cols = readCount(path, bytes, 12, "column count");
    if (rows == 0 || cols == 0) {
      throw new IOException(
          "IDX images file " + path + " declares empty images of " + rows + "x" + cols);
    }
    long pixels = n * rows * cols;
    if (pixels > Integer.MAX_VALUE) {
      throw new IOException(
          "IDX images file "
              + path
              + " declares "
              + n
              + " images of "
              + rows
              + "x"
              + cols
              + " ("
              + pixels
              + " pixels), more than a tensor can hold");
    }
    checkBodyLength(path, bytes, 16, pixels, n + " images of " + rows + "x" + cols);
    Tensor out = Tensor.empty(DType.FLOAT32, n, 1, rows, cols);
    FloatBuffer f = out.storage().f;
    float[] chunk = new float[CHUNK];
    for (int base = 0; base < pixels; base += CHUNK) {
      int len = (int) Math.min(CHUNK, pixels - base);
      for (int k = 0; k < len; k++) {
        chunk[k] = (bytes[16 + base + k] & 0xFF) / 255f;
      }
      f.put(base, chunk, 0, len);
    }
    return out;
  }

  /**
   * Reads an IDX labels file.
   *
   * @return INT64 {@code [N]}
   * @throws IOException naming the file if it is missing, not an IDX labels file (magic {@value
   *     #LABELS_MAGIC}), truncated, followed by extra bytes, or a corrupt gzip stream
   */
  public static Tensor readLabels(Path path) throws IOException {
    byte[] bytes = readMaybeGzipped(path);
    checkMagic(path, bytes, LABELS_MAGIC, "labels");
    requireHeader(path, bytes, 8, "labels");
    long n = readCount(path, bytes, 4, "label count");
    checkBodyLength(path, bytes, 8, n, n + " labels");
    Tensor out = Tensor.empty(DType.INT64, n);
    LongBuffer l = out.storage().l;
    for (int k = 0; k < n; k++) {
      l.put(k, bytes[8 + k] & 0xFF);
    }
    return out;
  }

  /**
   * Reads an images file and its labels file.
   *
   * @throws IOException if either file is malformed (see {@link #readImages}, {@link #readLabels}),
   *     or naming both files and both counts when the counts differ
   */
  public static Data load(Path imagesPath, Path labelsPath) throws IOException {
    Tensor images = readImages(imagesPath);
    Tensor labels = readLabels(labelsPath);
    if (images.size(0) != labels.size(0)) {
      throw new IOException(
          "MNIST count mismatch: images file "
              + imagesPath
              + " holds "
              + images.size(0)
              + " images but labels file "
              + labelsPath
              + " holds "
              + labels.size(0)
              + " labels");
    }
    return new Data(images, labels);
  }

  /**
   * The training split in {@code dir}: {@code train-images-idx3-ubyte} and {@code
   * train-labels-idx1-ubyte}, each with or without a {@code .gz} suffix.
   *
   * @throws IOException if a file is missing or malformed (see {@link #load})
   */
  public static Data train(Path dir) throws IOException {
    return load(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"));
  }

  /**
   * The test split in {@code dir}: {@code t10k-images-idx3-ubyte} and {@code
   * t10k-labels-idx1-ubyte}, each with or without a {@code .gz} suffix.
   *
   * @throws IOException if a file is missing or malformed (see {@link #load})
   */
  public static Data test(Path dir) throws IOException {
    return load(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"));
  }

  private static Path find(Path dir, String stem) throws IOException {
    Path gz = dir.resolve(stem + ".gz");
    if (Files.exists(gz)) {
      return gz;
    }
    Path raw = dir.resolve(stem);
    if (Files.exists(raw)) {
      return raw;
    }
    throw new NoSuchFileException(
        raw.toString(), null, "MNIST file not found (also looked for " + gz.getFileName() + ")");
  }

  private static byte[] readMaybeGzipped(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "IDX file not found");
    }
    byte[] raw = Files.readAllBytes(path);
    if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new IOException(
            "IDX file " + path + " starts like gzip but is not a valid gzip stream: " + e, e);
      }
    }
    return raw;
  }

  private static void checkMagic(Path path, byte[] bytes, int expected, String kind)
      throws IOException {
    requireHeader(path, bytes, 4, kind);
    int magic = readInt(bytes, 0);
    if (magic != expected) {
      String hint =
          magic == IMAGES_MAGIC
              ? " (an IDX images file)"
              : magic == LABELS_MAGIC ? " (an IDX labels file)" : "";
      throw new IOException(
          "IDX "
              + kind
              + " file "
              + path
              + " has magic number "
              + magic
              + hint
              + ", expected "
              + expected);
    }
  }

  private static void requireHeader(Path path, byte[] bytes, int headerBytes, String kind)
      throws IOException {
    if (bytes.length < headerBytes) {
      throw new IOException(
          "IDX "
              + kind
              + " file "
              + path
              + " is truncated: "
              + bytes.length
              + " bytes, shorter than its "
              + headerBytes
              + "-byte header");
    }
  }

  private static long readCount(Path path, byte[] bytes, int offset, String what)
      throws IOException {
    int v = readInt(bytes, offset);
    if (v < 0) {
      throw new IOException("IDX file " + path + " declares a negative " + what + " (" + v + ")");
    }
    return v;
  }

  private static void checkBodyLength(
      Path path, byte[] bytes, int header, long expected, String declared) throws IOException {
    long actual = bytes.length - (long) header;
    if (actual < expected) {
      throw new IOException(
          "IDX file "
              + path
              + " is truncated: header declares "
              + declared
              + " ("
              + expected
              + " data bytes) but only "
              + actual
              + " follow");
    }
    if (actual > expected) {
      throw new IOException(
          "IDX file "
              + path
              + " has "
              + (actual - expected)
              + " unexpected bytes after the "
              + expected
              + " data bytes its header declares ("
              + declared
              + ")");
    }
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }
}
