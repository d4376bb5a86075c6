package dev.residual.diffusion.eval;

import dev.residual.plot.ScatterPlot;
import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;

/** Scatter plots of 2-D samples (generated next to true data) through {@link ScatterPlot}. */
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
}
