package dev.residual.diffusion.eval;

import dev.residual.diffusion.Trajectory;
import dev.residual.plot.ImageGrid;
import dev.residual.plot.ScatterPlot;
import dev.residual.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pictures of diffusion samples: scatter plots of 2-D samples (generated next to true data) through
 * {@link ScatterPlot}, grids of generated images and denoising trajectories (images as strips of
 * {@code x_t} over {@code x̂0}, points as a row of scatter panels) through {@link ImageGrid}.
 * Images are read in the range {@code [-1, 1]}.
 */
public final class SamplePlots {
  private SamplePlots() {}

  /**
   * One scatter plot with a group (own colour, legend entry) per map entry, in the map's iteration
   * order; each value is a {@code [n, 2]} tensor of points.
   *
   * @throws IllegalArgumentException if there are no groups, a tensor is not {@code [n, 2]}, or the
   *     size is below 64 pixels
   * @throws IllegalStateException when no fonts are available for rendering
   */
  public static BufferedImage scatter(
      String title, Map<String, Tensor> groups, int width, int height) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("SamplePlots.scatter: no groups to draw");
    }
    ScatterPlot plot = new ScatterPlot().title(title);
    for (Map.Entry<String, Tensor> e : groups.entrySet()) {
      Tensor xy = e.getValue();
      if (xy.dim() != 2 || xy.shape()[1] != 2) {
        throw new IllegalArgumentException(
            "SamplePlots.scatter: group '"
                + e.getKey()
                + "' must be [n, 2], got shape "
                + Arrays.toString(xy.shape()));
      }
      plot.points(e.getKey(), xy, null);
    }
    return plot.toImage(width, height);
  }

  /**
   * A single-group scatter plot of {@code points [n, 2]}; see {@link #scatter(String, Map, int,
   * int)}.
   */
  public static BufferedImage scatter(String title, Tensor points, int width, int height) {
    return scatter(title, Map.of("samples", points), width, height);
  }

  /** Side of one scatter panel of {@link #trajectoryScatter}, in pixels. */
  public static final int PANEL_SIZE = 220;

  /** The smallest cell width, in pixels, that image grids upscale to so that captions fit. */
  private static final int MIN_CELL = 64;

  /**
   * A grid of generated images in the range {@code [-1, 1]}, upscaled (nearest neighbour) so that a
   * cell is at least 64 pixels wide, with an optional caption below each image.
   *
   * @param images {@code [N, C, H, W]} with {@code C} 1 or 3
   * @param captions one caption per image, or null for none
   * @param nrow images per grid row
   * @throws IllegalArgumentException if {@code images} is not {@code [N, C, H, W]} with {@code C} 1
   *     or 3 and no zero size, the caption count differs from N, or {@code nrow < 1}
   * @throws IllegalStateException when captions are given and no fonts are available
   */
  public static BufferedImage sampleGrid(Tensor images, String[] captions, int nrow) {
    if (images == null || images.dim() != 4) {
      throw new IllegalArgumentException(
          "SamplePlots.sampleGrid: expected images [N, C, H, W], got "
              + (images == null ? "null" : "shape " + Arrays.toString(images.shape())));
    }
    if (captions != null && captions.length != images.size(0)) {
      throw new IllegalArgumentException(
          "SamplePlots.sampleGrid: "
              + captions.length
              + " captions for images "
              + Arrays.toString(images.shape()));
    }
    ImageGrid grid = ImageGrid.of(images).range(-1, 1).nrow(nrow).scale(scaleFor(images.size(3)));
    if (captions != null) {
      grid.captions(Arrays.asList(captions));
    }
    return grid.toImage();
  }

  /**
   * A denoising strip for image data: for each of the first {@code maxImages} samples, two rows
   * across the captured timesteps, {@code x_t} on top (captioned {@code "xt t=…"}) and the
   * predicted clean image {@code x̂0} below ({@code "x0 t=…"}); the samples' row pairs are stacked.
   * Values are read in {@code [-1, 1]} (the noisier {@code x_t} are clamped). With {@code K}
   * captures of {@code [B, C, H, W]}, the image has {@code K} columns and {@code 2·min(maxImages,
   * B)} rows of cells.
   *
   * @param tr a trajectory of images {@code [B, C, H, W]} ({@code C} 1 or 3)
   * @param maxImages how many samples to show (at least 1; fewer if the batch is smaller)
   * @throws IllegalArgumentException if {@code maxImages < 1}, the trajectory has no captures, or
   *     its captures are not all {@code [B, C, H, W]} of one shape
   * @throws IllegalStateException when no fonts are available
   */
  public static BufferedImage trajectoryStrip(Trajectory tr, int maxImages) {
    if (maxImages < 1) {
      throw new IllegalArgumentException(
          "SamplePlots.trajectoryStrip: maxImages must be >= 1, got " + maxImages);
    }
    long[] shape = checkCaptures("SamplePlots.trajectoryStrip", tr, 4);
    if (shape[1] != 1 && shape[1] != 3) {
      throw new IllegalArgumentException(
          "SamplePlots.trajectoryStrip: expected images [B, 1 or 3, H, W], got "
              + Arrays.toString(shape));
    }
    int k = tr.timesteps().size();
    int m = (int) Math.min(maxImages, shape[0]);
    int cell = (int) (shape[1] * shape[2] * shape[3]);
    float[][] xs = new float[k][];
    float[][] x0s = new float[k][];
    for (int j = 0; j < k; j++) {
      xs[j] = tr.xt().get(j).toFloatArray();
      x0s[j] = tr.x0().get(j).toFloatArray();
    }
    float[] all = new float[2 * m * k * cell];
    List<String> captions = new ArrayList<>(2 * m * k);
    for (int i = 0; i < m; i++) {
      for (int row = 0; row < 2; row++) {
        for (int j = 0; j < k; j++) {
          int dst = ((2 * i + row) * k + j) * cell;
          System.arraycopy(row == 0 ? xs[j] : x0s[j], i * cell, all, dst, cell);
          captions.add((row == 0 ? "xt t=" : "x0 t=") + tr.timesteps().get(j));
        }
      }
    }
    Tensor cells = Tensor.of(all, 2L * m * k, shape[1], shape[2], shape[3]);
    return ImageGrid.of(cells)
        .range(-1, 1)
        .nrow(k)
        .scale(scaleFor(shape[3]))
        .captions(captions)
        .toImage();
  }

  /**
   * A denoising trajectory of 2-D points: a row of {@link #PANEL_SIZE}-pixel square scatter panels,
   * one per captured {@code x_t} (titled with its t), then one of the final sample.
   *
   * @param tr a trajectory of points {@code [B, 2]}
   * @throws IllegalArgumentException if the trajectory has no captures or its captures are not all
   *     {@code [B, 2]}
   * @throws IllegalStateException when no fonts are available
   */
  public static BufferedImage trajectoryScatter(Trajectory tr) {
    long[] shape = checkCaptures("SamplePlots.trajectoryScatter", tr, 2);
    if (shape[1] != 2) {
      throw new IllegalArgumentException(
          "SamplePlots.trajectoryScatter: expected points [B, 2], got " + Arrays.toString(shape));
    }
    int k = tr.timesteps().size();
    BufferedImage out =
        new BufferedImage((k + 1) * PANEL_SIZE, PANEL_SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      for (int j = 0; j <= k; j++) {
        Tensor pts = j < k ? tr.xt().get(j) : tr.sample();
        String title = j < k ? "x_t, t = " + tr.timesteps().get(j) : "sample";
        BufferedImage panel =
            new ScatterPlot().title(title).points("x", pts, null).toImage(PANEL_SIZE, PANEL_SIZE);
        g.drawImage(panel, j * PANEL_SIZE, 0, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Checks that {@code tr} has captures of one {@code rank}-D shape, and returns it. */
  private static long[] checkCaptures(String op, Trajectory tr, int rank) {
    if (tr == null || tr.xt().isEmpty()) {
      throw new IllegalArgumentException(op + ": the trajectory has no captured steps");
    }
    long[] shape = tr.xt().get(0).shape();
    if (shape.length != rank) {
      throw new IllegalArgumentException(
          op + ": expected " + rank + "-D captures, got shape " + Arrays.toString(shape));
    }
    for (int j = 0; j < tr.xt().size(); j++) {
      if (!Arrays.equals(tr.xt().get(j).shape(), shape)
          || j >= tr.x0().size()
          || !Arrays.equals(tr.x0().get(j).shape(), shape)) {
        throw new IllegalArgumentException(
            op
                + ": capture "
                + j
                + " has x_t "
                + Arrays.toString(tr.xt().get(j).shape())
                + " and x0 "
                + (j < tr.x0().size() ? Arrays.toString(tr.x0().get(j).shape()) : "missing")
                + ", expected both "
                + Arrays.toString(shape));
      }
    }
    if (tr.sample() != null && !Arrays.equals(tr.sample().shape(), shape)) {
      throw new IllegalArgumentException(
          op
              + ": final sample "
              + Arrays.toString(tr.sample().shape())
              + " differs from the captures "
              + Arrays.toString(shape));
    }
    return shape;
  }

  /** The upscaling that makes a cell of width {@code w} at least {@link #MIN_CELL} pixels wide. */
  private static int scaleFor(long w) {
    return (int) Math.max(1, Math.min(64, (MIN_CELL + w - 1) / w));
  }
}
