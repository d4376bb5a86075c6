package dev.residual.interp;

import dev.residual.plot.ColorScale;
import dev.residual.plot.Heatmap;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Heatmaps of interpretability grids through the plot module: logit-lens tables ({@code [layer,
 * pos]}), patching results ({@code [layer, pos]} or {@code [layer, head]}) and head scores ({@code
 * [layer, head]}). Signed results (patching, attributions) get a diverging scale centred on 0.
 */
public final class InterpPlots {
  private InterpPlots() {}

  /**
   * Writes {@code grid} {@code [rows, cols]} as a labelled PNG.
   *
   * @param diverging a red-blue scale symmetric around 0 (for signed values) instead of viridis
   * @throws IllegalArgumentException if the grid is not 2-D or the labels do not match it
   * @throws IOException if the file cannot be written
   */
  public static void saveGrid(
      Tensor grid,
      List<String> rowLabels,
      List<String> colLabels,
      String title,
      boolean diverging,
      Path png)
      throws IOException {
    dev.residual.plot.Plots.savePng(gridImage(grid, rowLabels, colLabels, title, diverging), png);
  }

  /**
   * The image {@link #saveGrid} writes, for a run's report ({@code Run.logImage}).
   *
   * @throws IllegalArgumentException if the grid is not 2-D or the labels do not match it
   */
  public static java.awt.image.BufferedImage gridImage(
      Tensor grid,
      List<String> rowLabels,
      List<String> colLabels,
      String title,
      boolean diverging) {
    if (grid.dim() != 2
        || rowLabels.size() != grid.shape()[0]
        || colLabels.size() != grid.shape()[1]) {
      throw new IllegalArgumentException(
          "InterpPlots.saveGrid: a 2-D grid with one label per row and column is needed, got shape "
              + java.util.Arrays.toString(grid.shape())
              + " with "
              + rowLabels.size()
              + " row and "
              + colLabels.size()
              + " column labels");
    }
    Heatmap h = Heatmap.of(grid).title(title).rowLabels(rowLabels).colLabels(colLabels);
    if (diverging) {
      double m = Math.max(grid.abs().max().item(), 1e-12);
      h = h.scale(ColorScale.DIVERGING).range(-m, m);
    }
    int cell = 28;
    return h.toImage(
        Math.max(560, 140 + cell * colLabels.size()), Math.max(300, 120 + cell * rowLabels.size()));
  }

  /** Labels {@code "L0H0", "L0H1", ...} for a flattened {@code [layer, head]} axis. */
  public static List<String> headLabels(int layers, int heads) {
    List<String> out = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        out.add("L" + l + "H" + h);
      }
    }
    return out;
  }

  /** Labels {@code "0", "1", ...} (layers, positions or heads). */
  public static List<String> indexLabels(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Integer.toString(i));
    }
    return out;
  }
}
