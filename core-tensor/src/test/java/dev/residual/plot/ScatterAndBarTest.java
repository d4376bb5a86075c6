package dev.residual.plot;

import static dev.residual.plot.PlotAssertions.assertNotBlank;
import static dev.residual.plot.PlotAssertions.count;
import static dev.residual.plot.PlotAssertions.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterAndBarTest {
  @TempDir Path dir;

  @Test
  void rendersFeatureDirectionsAsLabelledArrowsFromTheOrigin() throws Exception {
    // Five features in two dimensions: a pentagon, the superposition picture.
    int n = 5;
    double[] xy = new double[2 * n];
    for (int i = 0; i < n; i++) {
      xy[2 * i] = Math.cos(2 * Math.PI * i / n);
      xy[2 * i + 1] = Math.sin(2 * Math.PI * i / n);
    }
    Path png = dir.resolve("features.png");
    new ScatterPlot()
        .title("feature directions")
        .arrows(true)
        .points("features", Tensor.of(xy, n, 2), List.of("f0", "f1", "f2", "f3", "f4"))
        .savePng(png, 500, 500);
    BufferedImage img = decode(png, 500, 500);
    assertNotBlank(img, 30);
    assertTrue(count(img, Plots.seriesColor(0).getRGB() & 0xffffff) > 200, "arrows drawn");
  }

  @Test
  void rendersSeveralGroupsWithALegend() {
    BufferedImage img =
        new ScatterPlot()
            .points("a", new double[] {1, 2, 3}, new double[] {1, 4, 9})
            .points("b", new double[] {1, 2, 3}, new double[] {2, 3, 4}, List.of("x", "y", "z"))
            .toImage(400, 300);
    assertEquals(400, img.getWidth());
    assertNotBlank(img, 30);
  }

  @Test
  void scatterRejectsMismatchedLabelsAndWrongShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ScatterPlot()
                    .points("p", new double[] {1, 2}, new double[] {3, 4}, List.of("only one")));
    assertEquals("ScatterPlot.points 'p': 1 labels for 2 points", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ScatterPlot().points("p", new double[] {1, 2}, new double[] {3}));
    assertEquals("ScatterPlot.points 'p': 2 x values but 1 y", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ScatterPlot().points("p", Tensor.of(new double[6], 2, 3), null));
    assertEquals(
        "ScatterPlot.points 'p': expected a tensor [n, 2], got shape [2, 3]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ScatterPlot().toImage(100, 100));
  }

  @Test
  void rendersGroupedBars() throws Exception {
    Path png = dir.resolve("bars.png");
    new BarChart("cat", "dog", "fox")
        .title("accuracy by class")
        .yLabel("accuracy")
        .series("model A", new double[] {0.9, 0.8, 0.7})
        .series("model B", new double[] {0.85, 0.9, 0.6})
        .savePng(png, 600, 400);
    BufferedImage img = decode(png, 600, 400);
    assertNotBlank(img, 30);
    assertTrue(count(img, Plots.seriesColor(0).getRGB() & 0xffffff) > 1000, "series A bars");
    assertTrue(count(img, Plots.seriesColor(1).getRGB() & 0xffffff) > 1000, "series B bars");
  }

  @Test
  void barChartRejectsMismatchedValueCountsAndDuplicates() {
    BarChart chart = new BarChart(List.of("a", "b"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> chart.series("s", new double[] {1}));
    assertEquals("BarChart.series 's': 1 values for 2 categories", e.getMessage());
    chart.series("s", new double[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> chart.series("s", new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> new BarChart(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> new BarChart(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new BarChart("a").toImage(100, 100));
  }
}
