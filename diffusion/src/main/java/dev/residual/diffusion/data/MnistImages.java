package dev.residual.diffusion.data;

import dev.residual.data.Mnist;
import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * MNIST prepared for diffusion models: pixels scaled from {@code [0, 1]} to {@code [−1, 1]}
 * (background {@code −1}, ink {@code +1}), optionally zero-padded — with the background value
 * {@code −1} — from 28x28 to 32x32 so that a U-Net can halve the resolution three times.
 *
 * <p>The IDX files are read by core-tensor's {@link Mnist} ({@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}, {@code
 * t10k-labels-idx1-ubyte[.gz]}).
 */
public final class MnistImages {
  /** The value of an empty (background) pixel after scaling. */
  public static final float BACKGROUND = -1f;

  private MnistImages() {}

  /**
   * Images and labels of one split.
   *
   * @param images FLOAT32 {@code [N, 1, H, W]} in {@code [−1, 1]}
   * @param labels INT64 {@code [N]}
   */
  public record Split(Tensor images, Tensor labels) {
    /** The number of examples {@code N}. */
    public int size() {
      return (int) labels.size(0);
    }
  }

  /**
   * Reads the training or test split of {@code dir}.
   *
   * @param dir a directory holding the four IDX files (raw or gzipped)
   * @param train the training split ({@code train-*}) if true, else the test split ({@code t10k-*})
   * @param pad32 pad 28x28 images to 32x32 with two background pixels on every side
   * @return FLOAT32 images {@code [N, 1, 28, 28]} (or {@code [N, 1, 32, 32]} when padded) in {@code
   *     [−1, 1]} and INT64 labels {@code [N]}
   * @throws IOException naming the missing file (and the directory) if a file is absent, or as
   *     {@link Mnist#load} if a file is malformed
   * @throws IllegalArgumentException if {@code pad32} is set but the images are larger than 32x32
   */
  public static Split load(Path dir, boolean train, boolean pad32) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("MnistImages.load: MNIST directory " + dir + " does not exist");
    }
    String prefix = train ? "train" : "t10k";
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    Mnist.Data data = Mnist.load(images, labels);
    Tensor x = toSymmetric(data.images());
    return new Split(pad32 ? pad(x, 32) : x, data.labels());
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
    throw new IOException(
        "MnistImages.load: MNIST file " + stem + " (or " + stem + ".gz) not found in " + dir);
  }

  /**
   * Maps FLOAT32 pixels in {@code [0, 1]} to {@code [−1, 1]} ({@code 2p − 1}), returning a new
   * tensor of the same shape.
   *
   * @throws IllegalArgumentException if {@code x} is not FLOAT32
   */
  public static Tensor toSymmetric(Tensor x) {
    requireFloat32("MnistImages.toSymmetric", x);
    Tensor out = Tensor.empty(DType.FLOAT32, x.shape());
    FloatBuffer src = x.storage().f;
    FloatBuffer dst = out.storage().f;
    int n = (int) x.numel();
    float[] chunk = new float[8192];
    for (int base = 0; base < n; base += chunk.length) {
      int len = Math.min(chunk.length, n - base);
      src.get(base, chunk, 0, len);
      for (int k = 0; k < len; k++) {
        chunk[k] = 2f * chunk[k] - 1f;
      }
      dst.put(base, chunk, 0, len);
    }
    return out;
  }

  /**
   * Centres FLOAT32 images {@code [N, C, h, w]} in {@code [N, C, size, size]}, filling the border
   * with {@link #BACKGROUND}; the top/left border is {@code (size − h) / 2} (rounded down).
   *
   * @throws IllegalArgumentException if {@code x} is not a 4-D FLOAT32 tensor or an image side is
   *     larger than {@code size}
   */
  public static Tensor pad(Tensor x, int size) {
    requireFloat32("MnistImages.pad", x);
    long[] s = x.shape();
    if (s.length != 4 || s[2] > size || s[3] > size) {
      throw new IllegalArgumentException(
          "MnistImages.pad: expected images [N, C, H, W] with H, W <= "
              + size
              + ", got "
              + Arrays.toString(s));
    }
    int planes = (int) (s[0] * s[1]);
    int h = (int) s[2];
    int w = (int) s[3];
    int top = (size - h) / 2;
    int left = (size - w) / 2;
    Tensor out = Tensor.full(BACKGROUND, DType.FLOAT32, s[0], s[1], size, size);
    FloatBuffer src = x.storage().f;
    FloatBuffer dst = out.storage().f;
    float[] row = new float[w];
    for (int p = 0; p < planes; p++) {
      for (int r = 0; r < h; r++) {
        src.get((p * h + r) * w, row, 0, w);
        dst.put((p * size + top + r) * size + left, row, 0, w);
      }
    }
    return out;
  }

  private static void requireFloat32(String op, Tensor x) {
    if (x.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(
          op + ": expected FLOAT32 images, got " + x.dtype() + " " + Arrays.toString(x.shape()));
    }
  }
}
