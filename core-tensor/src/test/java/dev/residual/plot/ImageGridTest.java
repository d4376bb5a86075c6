package dev.residual.plot;

import static dev.residual.plot.PlotAssertions.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import java.awt.Color;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir Path dir;

  private static int grey(int level) {
    return (level << 16) | (level << 8) | level;
  }

  private static int rgbAt(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xffffff;
  }

  @Test
  void greyImagesLandInTheirCellsWithPaddingBetween() throws Exception {
    // Three 2x3 grey images, image k filled with value k/2 (0, 0.5, 1); two per row, padding 1.
    float[] px = new float[3 * 2 * 3];
    for (int k = 0; k < 3; k++) {
      for (int p = 0; p < 6; p++) {
        px[k * 6 + p] = k / 2f;
      }
    }
    px[2 * 6 + 4] = 0.25f; // image 2, row 1, column 1
    ImageGrid grid =
        ImageGrid.of(Tensor.of(px, 3, 1, 2, 3)).nrow(2).padding(1).background(Color.RED);
    assertEquals(2, grid.columns());
    assertEquals(2, grid.rows());
    Path png = dir.resolve("grid.png");
    grid.savePng(png);
    // width = 1 + 2 * (3 + 1) = 9, height = 1 + 2 * (2 + 1) = 7
    BufferedImage img = decode(png, 9, 7);
    assertEquals(new Point(1, 1), grid.cellOrigin(0));
    assertEquals(new Point(5, 1), grid.cellOrigin(1));
    assertEquals(new Point(1, 4), grid.cellOrigin(2));
    assertEquals(grey(0), rgbAt(img, 1, 1));
    assertEquals(grey(128), rgbAt(img, 5 + 2, 1 + 1), "0.5 -> round(127.5) = 128");
    assertEquals(grey(255), rgbAt(img, 1, 4));
    assertEquals(grey(64), rgbAt(img, 1 + 1, 4 + 1), "0.25 -> round(63.75) = 64");
    assertEquals(0xff0000, rgbAt(img, 0, 0), "padding");
    assertEquals(0xff0000, rgbAt(img, 4, 1), "padding between columns");
    assertEquals(0xff0000, rgbAt(img, 6, 5), "empty fourth cell");
  }

  @Test
  void rgbChannelsAndSignedRangeMapToColours() {
    // One 1x2 RGB image in [-1, 1]: pixel 0 pure red, pixel 1 mid grey (all zeros).
    float[] px = {1, 0, -1, 0, -1, 0};
    BufferedImage img = ImageGrid.of(Tensor.of(px, 1, 3, 1, 2)).range(-1, 1).padding(0).toImage();
    assertEquals(2, img.getWidth());
    assertEquals(1, img.getHeight());
    assertEquals(0xff0000, rgbAt(img, 0, 0));
    assertEquals(grey(128), rgbAt(img, 1, 0));
  }

  @Test
  void valuesOutsideTheRangeAreClamped() {
    BufferedImage img = Images.toBufferedImage(Tensor.of(new float[] {-3, 3, Float.NaN}, 1, 3));
    assertEquals(grey(0), rgbAt(img, 0, 0));
    assertEquals(grey(255), rgbAt(img, 1, 0));
    assertEquals(grey(0), rgbAt(img, 2, 0), "NaN maps to the low end");
  }

  @Test
  void scaleRepeatsEachPixelAsABlock() {
    float[] px = {0, 1, 1, 0};
    BufferedImage img = ImageGrid.of(Tensor.of(px, 1, 1, 2, 2)).padding(0).scale(3).toImage();
    assertEquals(6, img.getWidth());
    assertEquals(grey(0), rgbAt(img, 2, 2));
    assertEquals(grey(255), rgbAt(img, 3, 2));
    assertEquals(grey(255), rgbAt(img, 0, 5));
    assertEquals(grey(0), rgbAt(img, 5, 5));
  }

  @Test
  void captionsAddABandBelowEachCellWithText() throws Exception {
    float[] px = new float[4 * 28 * 28];
    ImageGrid grid =
        ImageGrid.of(Tensor.of(px, 4, 1, 28, 28))
            .nrow(2)
            .scale(2)
            .captions(List.of("7", "2", "1", "0"));
    Path png = dir.resolve("digits.png");
    grid.savePng(png);
    // width = 2 + 2 * (56 + 2) = 118, height = 2 + 2 * (56 + 16 + 2) = 150
    BufferedImage img = decode(png, 118, 150);
    Point o = grid.cellOrigin(3);
    assertEquals(new Point(60, 76), o);
    int dark = 0;
    for (int y = o.y + 56; y < o.y + 72; y++) {
      for (int x = o.x; x < o.x + 56; x++) {
        if ((img.getRGB(x, y) & 0xff) < 128) {
          dark++;
        }
      }
    }
    assertTrue(dark > 3, "caption text drawn in the band, dark pixels: " + dark);
  }

  @Test
  void imagesAcceptsHwAndChwTensors() {
    BufferedImage hw = Images.toBufferedImage(Tensor.of(new double[] {0, 1, 0.5, 1}, 2, 2));
    assertEquals(grey(128), rgbAt(hw, 0, 1));
    BufferedImage chw =
        Images.toBufferedImage(Tensor.of(new double[] {0, 1, 0.5, 0, 0, 1}, 3, 1, 2), 0, 1);
    assertEquals((0 << 16) | (128 << 8), rgbAt(chw, 0, 0));
    assertEquals((255 << 16) | 255, rgbAt(chw, 1, 0));
  }

  @Test
  void wrongRanksAndChannelCountsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ImageGrid.of(Tensor.of(new float[4], 2, 2)));
    assertEquals("ImageGrid: expected a tensor [N, C, H, W], got shape [2, 2]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageGrid.of(Tensor.of(new float[8], 1, 2, 2, 2)));
    assertEquals(
        "ImageGrid: expected 1 or 3 channels, got 2 in shape [1, 2, 2, 2]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Images.toBufferedImage(Tensor.of(new float[16], 1, 1, 4, 4)));
    assertEquals(
        "Images.toBufferedImage: expected a tensor [C, H, W] or [H, W], got shape [1, 1, 4, 4]",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Images.toBufferedImage(Tensor.of(new float[8], 2, 2, 2)));
  }

  @Test
  void badOptionsAreRejected() {
    ImageGrid grid = ImageGrid.of(Tensor.of(new float[8], 2, 1, 2, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> grid.captions(List.of("one")));
    assertEquals("ImageGrid.captions: 1 captions for 2 images", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> grid.nrow(0));
    assertThrows(IllegalArgumentException.class, () -> grid.padding(-1));
    assertThrows(IllegalArgumentException.class, () -> grid.range(1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> grid.cellOrigin(2));
  }
}
