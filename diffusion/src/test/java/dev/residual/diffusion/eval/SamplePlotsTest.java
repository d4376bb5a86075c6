package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.residual.diffusion.Trajectory;
import dev.residual.diffusion.data.Toy2d;
import dev.residual.plot.Plots;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SamplePlotsTest {
  @Test
  void scatterOfTrueAndGeneratedPointsRendersAnImageOfTheRequestedSize() {
    Map<String, Tensor> groups = new LinkedHashMap<>();
    groups.put("true", Toy2d.swissRoll(300, new Generator(1)));
    groups.put("generated", Toy2d.swissRoll(300, new Generator(2)));
    BufferedImage img;
    try {
      img = SamplePlots.scatter("swiss roll", groups, 320, 240);
    } catch (IllegalStateException e) {
      assumeTrue(!Plots.NO_FONTS_MESSAGE.equals(e.getMessage()), "no fonts on this machine");
      throw e;
    }
    assertEquals(320, img.getWidth());
    assertEquals(240, img.getHeight());
    int coloured = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
      }
    }
    assertTrue(coloured > 500, "only " + coloured + " coloured pixels");
  }

  @Test
  void noGroupsOrPointsThatAreNotPairsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> SamplePlots.scatter("t", Map.of(), 100, 100));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamplePlots.scatter("t", Tensor.zeros(5, 3), 100, 100));
    assertTrue(e.getMessage().contains("[5, 3]"), e.getMessage());
  }

  /** Renders, skipping the test on machines without fonts (captions and titles need them). */
  private static BufferedImage render(Supplier<BufferedImage> draw) {
    try {
      return draw.get();
    } catch (IllegalStateException e) {
      assumeTrue(!Plots.NO_FONTS_MESSAGE.equals(e.getMessage()), "no fonts on this machine");
      throw e;
    }
  }

  private static int grey(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xff;
  }

  @Test
  void sampleGridUpscalesSmallImagesToSixtyFourPixelCells() {
    // 8x8 images are scaled by 8; 2 per row, padding 2: 2 + 2 * (64 + 2) = 134 each way.
    BufferedImage img = SamplePlots.sampleGrid(Tensor.ones(3, 1, 8, 8), null, 2);
    assertEquals(134, img.getWidth());
    assertEquals(134, img.getHeight());
    assertEquals(255, grey(img, 10, 10));
    BufferedImage captioned =
        render(
            () ->
                SamplePlots.sampleGrid(
                    Tensor.ones(3, 1, 8, 8).neg(), new String[] {"0", "1", "2"}, 2));
    // a 16-pixel caption band under every row of cells
    assertEquals(2 + 2 * (64 + 16 + 2), captioned.getHeight());
    assertEquals(0, grey(captioned, 10, 10));
  }

  @Test
  void sampleGridRejectsWrongShapesAndCaptionCounts() {
    IllegalArgumentException rank =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamplePlots.sampleGrid(Tensor.zeros(3, 8, 8), null, 2));
    assertTrue(rank.getMessage().contains("[3, 8, 8]"), rank.getMessage());
    IllegalArgumentException count =
        assertThrows(
            IllegalArgumentException.class,
            () -> SamplePlots.sampleGrid(Tensor.zeros(3, 1, 8, 8), new String[] {"a"}, 2));
    assertTrue(count.getMessage().contains("1 captions"), count.getMessage());
  }

  private static Trajectory imageTrajectory(int captures, int batch) {
    List<Integer> ts = new java.util.ArrayList<>();
    List<Tensor> xs = new java.util.ArrayList<>();
    List<Tensor> x0s = new java.util.ArrayList<>();
    for (int j = 0; j < captures; j++) {
      ts.add(90 - 30 * j);
      xs.add(Tensor.ones(batch, 1, 4, 4)); // white
      x0s.add(Tensor.ones(batch, 1, 4, 4).neg()); // black
    }
    return new Trajectory(ts, xs, x0s, Tensor.zeros(batch, 1, 4, 4));
  }

  @Test
  void trajectoryStripPutsNoisyImagesOverPredictedCleanOnesForTheFirstSamples() {
    BufferedImage img = render(() -> SamplePlots.trajectoryStrip(imageTrajectory(3, 5), 2));
    // 4x4 images scale by 16 to 64-pixel cells; 3 columns; 2 samples x 2 rows of captioned cells.
    int cellH = 64 + 16 + 2;
    assertEquals(2 + 3 * (64 + 2), img.getWidth());
    assertEquals(2 + 4 * cellH, img.getHeight());
    for (int col = 0; col < 3; col++) {
      int x = 2 + col * 66 + 30;
      assertEquals(255, grey(img, x, 2 + 30), "x_t of sample 0");
      assertEquals(0, grey(img, x, 2 + cellH + 30), "x0 of sample 0");
      assertEquals(255, grey(img, x, 2 + 2 * cellH + 30), "x_t of sample 1");
      assertEquals(0, grey(img, x, 2 + 3 * cellH + 30), "x0 of sample 1");
    }
  }

  @Test
  void trajectoryStripShowsNoMoreSamplesThanTheBatchHolds() {
    BufferedImage img = render(() -> SamplePlots.trajectoryStrip(imageTrajectory(2, 1), 4));
    assertEquals(2 + 2 * (64 + 16 + 2), img.getHeight());
  }

  @Test
  void trajectoryStripRejectsBadArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SamplePlots.trajectoryStrip(imageTrajectory(2, 2), 0));
    Trajectory empty = new Trajectory(List.of(), List.of(), List.of(), Tensor.zeros(2, 1, 4, 4));
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> SamplePlots.trajectoryStrip(empty, 1));
    assertTrue(none.getMessage().contains("no captured steps"), none.getMessage());
    Trajectory points =
        new Trajectory(
            List.of(5),
            List.of(Tensor.zeros(3, 2)),
            List.of(Tensor.zeros(3, 2)),
            Tensor.zeros(3, 2));
    IllegalArgumentException rank =
        assertThrows(IllegalArgumentException.class, () -> SamplePlots.trajectoryStrip(points, 1));
    assertTrue(rank.getMessage().contains("[3, 2]"), rank.getMessage());
    Trajectory mixed =
        new Trajectory(
            List.of(5, 4),
            List.of(Tensor.zeros(2, 1, 4, 4), Tensor.zeros(2, 1, 8, 8)),
            List.of(Tensor.zeros(2, 1, 4, 4), Tensor.zeros(2, 1, 8, 8)),
            Tensor.zeros(2, 1, 4, 4));
    IllegalArgumentException shapes =
        assertThrows(IllegalArgumentException.class, () -> SamplePlots.trajectoryStrip(mixed, 1));
    assertTrue(shapes.getMessage().contains("capture 1"), shapes.getMessage());
  }

  @Test
  void trajectoryScatterDrawsOnePanelPerCaptureAndOneForTheSample() {
    Trajectory tr =
        new Trajectory(
            List.of(99, 49),
            List.of(Tensor.randn(new Generator(1), 50, 2), Tensor.randn(new Generator(2), 50, 2)),
            List.of(Tensor.zeros(50, 2), Tensor.zeros(50, 2)),
            Toy2d.swissRoll(50, new Generator(3)));
    BufferedImage img = render(() -> SamplePlots.trajectoryScatter(tr));
    assertEquals(3 * SamplePlots.PANEL_SIZE, img.getWidth());
    assertEquals(SamplePlots.PANEL_SIZE, img.getHeight());
  }

  @Test
  void trajectoryScatterRejectsImagesAndEmptyTrajectories() {
    assertThrows(
        IllegalArgumentException.class, () -> SamplePlots.trajectoryScatter(imageTrajectory(2, 2)));
    Trajectory wide =
        new Trajectory(
            List.of(5),
            List.of(Tensor.zeros(3, 3)),
            List.of(Tensor.zeros(3, 3)),
            Tensor.zeros(3, 3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SamplePlots.trajectoryScatter(wide));
    assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
    Trajectory empty = new Trajectory(List.of(), List.of(), List.of(), Tensor.zeros(3, 2));
    assertThrows(IllegalArgumentException.class, () -> SamplePlots.trajectoryScatter(empty));
  }
}
