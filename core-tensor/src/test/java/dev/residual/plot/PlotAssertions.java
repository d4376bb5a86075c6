package dev.residual.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Decoding and content checks shared by the plot tests. */
final class PlotAssertions {
  private PlotAssertions() {}

  /** Decodes the PNG at {@code png} and checks its size. */
  static BufferedImage decode(Path png, int width, int height) throws IOException {
    assertTrue(Files.size(png) > 0, "empty file " + png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, "not a decodable image: " + png);
    assertEquals(width, img.getWidth(), "width");
    assertEquals(height, img.getHeight(), "height");
    return img;
  }

  /** The number of distinct RGB colours in {@code img}. */
  static int distinctColours(BufferedImage img) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        seen.add(img.getRGB(x, y) & 0xffffff);
      }
    }
    return seen.size();
  }

  /** Asserts that the picture has some content: many colours (anti-aliased text and lines). */
  static void assertNotBlank(BufferedImage img, int minColours) {
    int n = distinctColours(img);
    assertTrue(n >= minColours, "image looks blank: only " + n + " distinct colours");
  }

  /** How many pixels have exactly colour {@code rgb}. */
  static int count(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
