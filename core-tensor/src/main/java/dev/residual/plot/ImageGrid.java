package dev.residual.plot;

import dev.residual.tensor.Tensor;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grid of images from a tensor {@code [N, C, H, W]} (C = 1 grey or 3 RGB): diffusion samples,
 * MNIST digits, reconstructions. Like torchvision's {@code make_grid}, {@code nrow} is the number
 * of images in each row of the grid (default 8); images are separated and framed by {@code padding}
 * pixels of the background colour. Optional captions are drawn in a band below each cell.
 *
 * <p>Layout, with {@code cols = min(nrow, N)}, {@code k = scale}: cell i sits at column {@code i %
 * cols}, grid row {@code i / cols}; its top-left pixel is {@code (padding + col * (W*k + padding),
 * padding + row * (H*k + captionBand + padding))} (see {@link #cellOrigin}).
 *
 * <pre>{@code
 * ImageGrid.of(samples).range(-1, 1).nrow(4).scale(2).captions(labels).savePng(Path.of("s.png"));
 * }</pre>
 */
public final class ImageGrid {
  private final float[] pixels;
  private final int n;
  private final int c;
  private final int h;
  private final int w;
  private int nrow = 8;
  private int padding = 2;
  private int scale = 1;
  private double lo = 0;
  private double hi = 1;
  private Color background = Color.WHITE;
  private List<String> captions;

  private ImageGrid(float[] pixels, int n, int c, int h, int w) {
    this.pixels = pixels;
    this.n = n;
    this.c = c;
    this.h = h;
    this.w = w;
  }

  /**
   * A grid of the images of {@code images} {@code [N, C, H, W]}.
   *
   * @throws IllegalArgumentException when the tensor is not 4-D, C is not 1 or 3, or a dimension is
   *     zero
   */
  public static ImageGrid of(Tensor images) {
    long[] s = images.shape();
    if (images.dim() != 4) {
      throw new IllegalArgumentException(
          "ImageGrid: expected a tensor [N, C, H, W], got shape " + Arrays.toString(s));
    }
    if (s[1] != 1 && s[1] != 3) {
      throw new IllegalArgumentException(
          "ImageGrid: expected 1 or 3 channels, got " + s[1] + " in shape " + Arrays.toString(s));
    }
    if (s[0] == 0 || s[2] == 0 || s[3] == 0) {
      throw new IllegalArgumentException("ImageGrid: empty tensor, shape " + Arrays.toString(s));
    }
    return new ImageGrid(
        images.detach().contiguous().toFloatArray(),
        (int) s[0],
        (int) s[1],
        (int) s[2],
        (int) s[3]);
  }

  /**
   * Sets the number of images per grid row (default 8).
   *
   * @throws IllegalArgumentException unless positive
   */
  public ImageGrid nrow(int nrow) {
    if (nrow < 1) {
      throw new IllegalArgumentException("ImageGrid.nrow: must be >= 1, got " + nrow);
    }
    this.nrow = nrow;
    return this;
  }

  /**
   * Sets the padding between and around images in pixels (default 2).
   *
   * @throws IllegalArgumentException when negative
   */
  public ImageGrid padding(int padding) {
    if (padding < 0) {
      throw new IllegalArgumentException("ImageGrid.padding: must be >= 0, got " + padding);
    }
    this.padding = padding;
    return this;
  }

  /**
   * Sets an integer upscaling factor (nearest neighbour; default 1), so 28x28 digits stay legible.
   *
   * @throws IllegalArgumentException unless in [1, 64]
   */
  public ImageGrid scale(int scale) {
    if (scale < 1 || scale > 64) {
      throw new IllegalArgumentException("ImageGrid.scale: must be in [1, 64], got " + scale);
    }
    this.scale = scale;
    return this;
  }

  /**
   * Sets the value range mapped to black..white (default [0, 1]; use [-1, 1] for diffusion
   * samples). Values outside are clamped.
   *
   * @throws IllegalArgumentException unless {@code lo < hi}, both finite
   */
  public ImageGrid range(double lo, double hi) {
    Images.checkRange("ImageGrid.range", lo, hi);
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** Sets the colour of the padding and caption bands (default white). */
  public ImageGrid background(Color background) {
    this.background = background;
    return this;
  }

  /**
   * Sets one caption per image, drawn below it.
   *
   * @throws IllegalArgumentException when the count differs from N
   */
  public ImageGrid captions(List<String> captions) {
    if (captions.size() != n) {
      throw new IllegalArgumentException(
          "ImageGrid.captions: " + captions.size() + " captions for " + n + " images");
    }
    this.captions = new ArrayList<>(captions);
    return this;
  }

  /** The number of images per grid row actually used: {@code min(nrow, N)}. */
  public int columns() {
    return Math.min(nrow, n);
  }

  /** The number of grid rows: {@code ceil(N / columns())}. */
  public int rows() {
    return (n + columns() - 1) / columns();
  }

  private int captionBand() {
    return captions == null ? 0 : 16;
  }

  /** The top-left pixel of image {@code index} in the grid (see the class comment). */
  public Point cellOrigin(int index) {
    if (index < 0 || index >= n) {
      throw new IndexOutOfBoundsException(
          "ImageGrid.cellOrigin: index " + index + " out of range for " + n + " images");
    }
    int col = index % columns();
    int row = index / columns();
    return new Point(
        padding + col * (w * scale + padding),
        padding + row * (h * scale + captionBand() + padding));
  }

  /**
   * Renders the grid; its size follows from N, H, W, nrow, padding, scale and captions.
   *
   * @throws IllegalStateException when captions are set and no fonts are available
   */
  public BufferedImage toImage() {
    return Plots.render(this::draw);
  }

  /** Renders and writes a PNG atomically (see {@link Plots#savePng}). */
  public void savePng(Path path) {
    Plots.savePng(toImage(), path);
  }

  private BufferedImage draw() {
    int cols = columns();
    int rows = rows();
    int cellW = w * scale;
    int cellH = h * scale + captionBand();
    int width = padding + cols * (cellW + padding);
    int height = padding + rows * (cellH + padding);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(background);
      g.fillRect(0, 0, width, height);
      int[] rgb = new int[h * w];
      int[] row = new int[w * scale];
      for (int i = 0; i < n; i++) {
        Images.fill(pixels, i * c * h * w, c, h, w, lo, hi, rgb);
        Point o = cellOrigin(i);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            Arrays.fill(row, x * scale, (x + 1) * scale, rgb[y * w + x]);
          }
          for (int k = 0; k < scale; k++) {
            out.setRGB(o.x, o.y + y * scale + k, w * scale, 1, row, 0, w * scale);
          }
        }
      }
      if (captions != null) {
        g.setRenderingHint(
            RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(Plots.font(Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        double lum =
            0.299 * background.getRed()
                + 0.587 * background.getGreen()
                + 0.114 * background.getBlue();
        g.setColor(lum < 128 ? Color.WHITE : Color.BLACK);
        for (int i = 0; i < n; i++) {
          Point o = cellOrigin(i);
          String s = ellipsize(captions.get(i), fm, cellW);
          int tx = o.x + (cellW - fm.stringWidth(s)) / 2;
          int ty = o.y + h * scale + (captionBand() + fm.getAscent() - fm.getDescent()) / 2;
          g.drawString(s, tx, ty);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code s}, shortened with "…" to fit {@code max} pixels. */
  private static String ellipsize(String s, FontMetrics fm, int max) {
    if (fm.stringWidth(s) <= max) {
      return s;
    }
    for (int len = s.length() - 1; len > 0; len--) {
      String t = s.substring(0, len) + "\u2026";
      if (fm.stringWidth(t) <= max) {
        return t;
      }
    }
    return "";
  }
}
