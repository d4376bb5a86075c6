package dev.residual.plot;

import static dev.residual.plot.PlotAssertions.assertNotBlank;
import static dev.residual.plot.PlotAssertions.count;
import static dev.residual.plot.PlotAssertions.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
  @TempDir Path dir;

  private static double[] noisyLoss(int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 2.0 * Math.exp(-i / 40.0) + 0.05 + 0.1 * r.nextDouble();
    }
    return y;
  }

  @Test
  void emaWithZeroWeightIsACopy() {
    double[] y = {3, -1, 4, 1.5};
    assertArrayEquals(y, LineChart.ema(y, 0), 0);
  }

  @Test
  void emaIsDebiasedLikeTensorBoard() {
    // a = 0.5: s = 0.5, 1.25, 2.125; divided by 1 - 0.5^k = 0.5, 0.75, 0.875.
    double[] s = LineChart.ema(new double[] {1, 2, 3}, 0.5);
    assertArrayEquals(new double[] {1.0, 1.25 / 0.75, 2.125 / 0.875}, s, 1e-12);
    assertEquals(1.6666666666666667, s[1], 1e-12);
    assertEquals(2.4285714285714284, s[2], 1e-12);
  }

  @Test
  void emaOfAConstantIsThatConstantFromTheFirstStep() {
    double[] s = LineChart.ema(new double[] {7, 7, 7, 7}, 0.9);
    assertArrayEquals(new double[] {7, 7, 7, 7}, s, 1e-12);
  }

  @Test
  void emaPassesNonFiniteValuesThroughWithoutPoisoningTheAverage() {
    double[] s = LineChart.ema(new double[] {2, Double.NaN, 2}, 0.5);
    assertEquals(2, s[0], 1e-12);
    assertTrue(Double.isNaN(s[1]));
    assertEquals(2, s[2], 1e-12);
  }

  @Test
  void emaRejectsWeightOutsideUnitInterval() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LineChart.ema(new double[] {1}, 1.0));
    assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LineChart().smoothing(-0.1));
  }

  @Test
  void rendersSeveralSmoothedRunsOverlaidToPng() throws Exception {
    Map<String, double[][]> a = new LinkedHashMap<>();
    Map<String, double[][]> b = new LinkedHashMap<>();
    double[] steps = new double[200];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = i * 10;
    }
    a.put("loss", new double[][] {steps, noisyLoss(200, 1)});
    b.put("loss", new double[][] {steps, noisyLoss(200, 2)});
    LineChart chart =
        new LineChart()
            .title("training loss")
            .yLabel("loss")
            .smoothing(0.8)
            .logY(true)
            .run("baseline", a)
            .run("wide", b);
    assertEquals(List.of("baseline/loss", "wide/loss"), chart.seriesNames());
    Path png = dir.resolve("loss.png");
    chart.savePng(png, 640, 400);
    BufferedImage img = decode(png, 640, 400);
    assertNotBlank(img, 50);
    // The first series' smoothed curve is drawn opaque in the first palette colour.
    assertTrue(count(img, Plots.seriesColor(0).getRGB() & 0xffffff) > 50);
    assertTrue(count(img, Plots.seriesColor(1).getRGB() & 0xffffff) > 50);
  }

  @Test
  void rendersPlainSeriesWithImplicitStepsAndNaNGaps() {
    BufferedImage img =
        new LineChart()
            .series("acc", new double[] {0.1, 0.4, Double.NaN, 0.8, 0.9})
            .toImage(300, 200);
    assertEquals(300, img.getWidth());
    assertNotBlank(img, 20);
  }

  @Test
  void writesAWellFormedSvgWithOnePolylinePerCurve() throws Exception {
    Path svg = dir.resolve("loss.svg");
    new LineChart()
        .title("a < b & c")
        .smoothing(0.5)
        .series("train", noisyLoss(50, 3))
        .series("val", new double[] {0, 10, 20}, new double[] {1.5, 1.0, 0.8})
        .saveSvg(svg, 500, 300);
    String text = Files.readString(svg);
    assertTrue(text.startsWith("<svg"), text.substring(0, 40));
    assertEquals(4, text.split("<polyline", -1).length - 1, "raw + smoothed for two series");
    assertTrue(text.contains("a &lt; b &amp; c"));
    // Parses as XML.
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
  }

  @Test
  void svgTicksAreRoundNumbers() {
    assertArrayEquals(new double[] {0, 500, 1000, 1500}, LineChart.niceTicks(0, 1990, 4), 0);
    assertArrayEquals(new double[] {0.2, 0.4, 0.6}, LineChart.niceTicks(0.13, 0.7, 2), 1e-15);
  }

  @Test
  void logScaleRejectsNonPositiveValuesNamingTheSeries() {
    LineChart chart = new LineChart().logY(true).series("loss", new double[] {1, 0.5, 0});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> chart.toImage(200, 200));
    assertTrue(
        e.getMessage().contains("'loss'") && e.getMessage().contains("<= 0"), e.getMessage());
  }

  @Test
  void mismatchedStepAndValueCountsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LineChart().series("loss", new double[] {0, 1, 2}, new double[] {1, 2}));
    assertEquals("LineChart.series 'loss': 3 steps but 2 values", e.getMessage());
  }

  @Test
  void mapEntriesMustBeTwoRows() {
    Map<String, double[][]> m = Map.of("loss", new double[][] {{1, 2, 3}});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LineChart().series(m));
    assertTrue(e.getMessage().contains("expected {steps, values}"), e.getMessage());
  }

  @Test
  void duplicateNamesEmptyChartsAndTinySizesAreRejected() {
    LineChart chart = new LineChart().series("x", new double[] {1});
    assertThrows(IllegalArgumentException.class, () -> chart.series("x", new double[] {2}));
    assertThrows(IllegalArgumentException.class, () -> chart.toImage(10, 10));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LineChart().toImage(100, 100));
    assertEquals("LineChart: no series to draw", e.getMessage());
  }
}
