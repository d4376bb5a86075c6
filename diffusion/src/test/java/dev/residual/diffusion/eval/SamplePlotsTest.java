package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.plot.Plots;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
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
}
