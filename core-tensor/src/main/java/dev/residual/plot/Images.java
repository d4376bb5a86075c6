package dev.residual.plot;

import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Conversion of image tensors to {@link BufferedImage}s.
 *
 * <p>Values are mapped linearly from [{@code lo}, {@code hi}] to [0, 255] and clamped, so the usual
 * conventions are {@code [0, 1]} (the default) and {@code [-1, 1]} (diffusion samples).
 */
public final class Images {
  private Images() {}

  /**
   * An image from a tensor {@code [C, H, W]} (C = 1 grey or 3 RGB) or {@code [H, W]} (grey) with
   * values in [0, 1].
   *
   * @throws IllegalArgumentException for another rank or channel count
   */
  public static BufferedImage toBufferedImage(Tensor image) {
    return toBufferedImage(image, 0, 1);
  }

  /**
   * An image from a tensor {@code [C, H, W]} (C = 1 or 3) or {@code [H, W]} with values in [{@code
   * lo}, {@code hi}] (clamped; NaN becomes {@code lo}).
   *
   * @throws IllegalArgumentException for another rank or channel count, or unless {@code lo < hi}
   */
  public static BufferedImage toBufferedImage(Tensor image, double lo, double hi) {
    checkRange("Images.toBufferedImage", lo, hi);
    long[] s = image.shape();
    int c;
    int h;
    int w;
    if (image.dim() == 2) {
      c = 1;
      h = (int) s[0];
      w = (int) s[1];
    } else if (image.dim() == 3) {
      c = (int) s[0];
      h = (int) s[1];
      w = (int) s[2];
    } else {
      throw new IllegalArgumentException(
          "Images.toBufferedImage: expected a tensor [C, H, W] or [H, W], got shape "
              + Arrays.toString(s));
    }
    if (c != 1 && c != 3) {
      throw new IllegalArgumentException(
          "Images.toBufferedImage: expected 1 or 3 channels, got "
              + c
              + " in shape "
              + Arrays.toString(s));
    }
    if (h == 0 || w == 0) {
      throw new IllegalArgumentException(
          "Images.toBufferedImage: empty image, shape " + Arrays.toString(s));
    }
    float[] px = image.detach().contiguous().toFloatArray();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[w * h];
    fill(px, 0, c, h, w, lo, hi, rgb);
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }

  /** Packs image {@code [c, h, w]} starting at {@code off} of {@code px} into 0xRRGGBB pixels. */
  static void fill(float[] px, int off, int c, int h, int w, double lo, double hi, int[] rgb) {
    int plane = h * w;
    double scale = 255.0 / (hi - lo);
    for (int p = 0; p < plane; p++) {
      int r = byteOf(px[off + p], lo, scale);
      int g = c == 3 ? byteOf(px[off + plane + p], lo, scale) : r;
      int b = c == 3 ? byteOf(px[off + 2 * plane + p], lo, scale) : r;
      rgb[p] = (r << 16) | (g << 8) | b;
    }
  }

  /** The 0..255 level of value {@code v}: {@code round((v - lo) * 255 / (hi - lo))}, clamped. */
  static int byteOf(double v, double lo, double scale) {
    double q = (v - lo) * scale;
    if (!(q > 0)) {
      return 0;
    }
    return q >= 255 ? 255 : (int) Math.round(q);
  }

  static void checkRange(String op, double lo, double hi) {
    if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
      throw new IllegalArgumentException(
          op + ": need a finite range lo < hi, got [" + lo + ", " + hi + "]");
    }
  }
}
