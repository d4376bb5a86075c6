package dev.residual.plot;

import static dev.residual.plot.PlotAssertions.assertNotBlank;
import static dev.residual.plot.PlotAssertions.count;
import static dev.residual.plot.PlotAssertions.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapTest {
  @TempDir Path dir;

  @Test
  void viridisEndpointsAreItsFirstAndLastControlPoints() {
    assertEquals(0x440154, ColorScale.VIRIDIS.rgbAt(0));
    assertEquals(0xfde725, ColorScale.VIRIDIS.rgbAt(1));
    assertEquals(0x440154, ColorScale.VIRIDIS.rgbAt(-3), "clamped below");
    assertEquals(0xfde725, ColorScale.VIRIDIS.rgbAt(7), "clamped above");
  }

  @Test
  void divergingScaleIsBlueWhiteRed() {
    assertEquals(0x2166ac, ColorScale.DIVERGING.rgbAt(0));
    assertEquals(0xf7f7f7, ColorScale.DIVERGING.rgbAt(0.5));
    assertEquals(0xb2182b, ColorScale.DIVERGING.rgbAt(1));
    assertEquals(new Color(0xf7f7f7), ColorScale.DIVERGING.at(0, -2, 2));
  }

  @Test
  void customScaleInterpolatesLinearlyInRgb() {
    ColorScale s = ColorScale.of("bw", false, Color.BLACK, Color.WHITE);
    assertEquals(0x808080, s.rgbAt(0.5)); // 127.5 rounds to 128
    assertEquals(ColorScale.GRAYS.rgbAt(0.25), s.rgbAt(0.25));
    assertThrows(IllegalArgumentException.class, () -> ColorScale.of("one", false, Color.RED));
  }

  @Test
  void rangeIsDataMinMaxOrSymmetricForDivergingScales() {
    double[][] m = {{-1, 0.5}, {3, 2}};
    assertArrayEquals(new double[] {-1, 3}, Heatmap.of(m).effectiveRange(), 0);
    assertArrayEquals(
        new double[] {-3, 3}, Heatmap.of(m).scale(ColorScale.DIVERGING).effectiveRange(), 0);
    assertArrayEquals(new double[] {0, 10}, Heatmap.of(m).range(0, 10).effectiveRange(), 0);
    assertArrayEquals(
        new double[] {1.5, 2.5}, Heatmap.of(new double[][] {{2, 2}}).effectiveRange(), 0);
  }

  @Test
  void minAndMaxCellsGetTheScaleEndpointColours() throws Exception {
    Path png = dir.resolve("hm.png");
    Heatmap.of(new double[][] {{0, 1}, {2, 3}}).annotate(false).savePng(png, 200, 160);
    BufferedImage img = decode(png, 200, 160);
    // Each cell is roughly (200 - bar) / 2 by (160 - 20) / 2 pixels; the colour bar adds one row.
    assertTrue(count(img, 0x440154) > 1000, "min cell is the low end of viridis");
    assertTrue(count(img, 0xfde725) > 1000, "max cell is the high end of viridis");
  }

  @Test
  void rendersAnAttentionPatternWithTokenLabelsAndColourBar() throws Exception {
    List<String> tokens = List.of("<bos>", "The", "cat", "sat", "on", "the", "mat");
    int n = tokens.size();
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j <= i; j++) {
        z += Math.exp(-(i - j));
      }
      for (int j = 0; j <= i; j++) {
        a[i * n + j] = Math.exp(-(i - j)) / z;
      }
    }
    Path png = dir.resolve("attention.png");
    Heatmap.of(Tensor.of(a, n, n))
        .title("layer 0 head 0")
        .xLabel("key")
        .yLabel("query")
        .rowLabels(tokens)
        .colLabels(tokens)
        .savePng(png, 520, 480);
    BufferedImage img = decode(png, 520, 480);
    assertNotBlank(img, 100);
  }

  @Test
  void rendersASignedConfusionStyleMatrixWithLongRotatedLabels() throws Exception {
    double[][] m = new double[12][12];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        m[i][j] = Math.sin(i + 2 * j);
      }
    }
    String[] labels = new String[12];
    for (int i = 0; i < 12; i++) {
      labels[i] = "category_" + i;
    }
    Path png = dir.resolve("signed.png");
    Heatmap.of(m)
        .scale(ColorScale.DIVERGING)
        .rowLabels(labels)
        .colLabels(labels)
        .annotate(true)
        .format("%.1f")
        .savePng(png, 700, 640);
    assertNotBlank(decode(png, 700, 640), 100);
  }

  @Test
  void rendersALargeLabelledMatrixWithoutAnnotations() throws Exception {
    int n = 96;
    double[][] m = new double[n][n];
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      labels[i] = "tok" + i;
      for (int j = 0; j < n; j++) {
        m[i][j] = Math.cos(0.1 * i * j);
      }
    }
    Path png = dir.resolve("large.png");
    Heatmap.of(m).rowLabels(labels).colLabels(labels).savePng(png, 600, 600);
    assertNotBlank(decode(png, 600, 600), 100);
  }

  @Test
  void labelCountsMustMatchTheMatrix() {
    Heatmap h = Heatmap.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    IllegalArgumentException rows =
        assertThrows(IllegalArgumentException.class, () -> h.rowLabels("a", "b", "c"));
    assertEquals("Heatmap: 3 row labels for 2 rows", rows.getMessage());
    IllegalArgumentException cols =
        assertThrows(IllegalArgumentException.class, () -> h.colLabels("a", "b"));
    assertEquals("Heatmap: 2 column labels for 3 columns", cols.getMessage());
  }

  @Test
  void onlyTwoDimensionalTensorsAreAccepted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Heatmap.of(Tensor.of(new double[8], 2, 2, 2)));
    assertEquals(
        "Heatmap: expected a 2-D tensor [rows, cols], got shape [2, 2, 2]", e.getMessage());
  }

  @Test
  void raggedEmptyAndBadRangesAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Heatmap.of(new double[][] {{1, 2}, {3}}));
    assertEquals("Heatmap: ragged matrix: row 1 has 1 columns, row 0 has 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Heatmap.of(new double[0][]));
    assertThrows(
        IllegalArgumentException.class, () -> Heatmap.of(new double[][] {{1}}).range(2, 1));
    assertThrows(
        IllegalArgumentException.class, () -> Heatmap.of(new double[][] {{1}}).toImage(20, 20));
  }
}
