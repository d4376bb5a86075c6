package dev.residual.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  @TempDir Path dir;

  @Test
  void savePngReplacesTheTargetAndLeavesNoTemporaryFiles() throws Exception {
    Path png = dir.resolve("sub").resolve("img.png");
    BufferedImage a = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    Plots.savePng(a, png);
    BufferedImage b = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
    b.setRGB(1, 1, 0x123456);
    Plots.savePng(b, png);
    BufferedImage back = ImageIO.read(png.toFile());
    assertEquals(5, back.getWidth());
    assertEquals(0x123456, back.getRGB(1, 1) & 0xffffff);
    try (Stream<Path> files = Files.list(png.getParent())) {
      assertEquals(1, files.count(), "only the PNG, no temporary file");
    }
  }

  @Test
  void savePngIntoAnUnwritablePlaceFailsWithThePath() throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Plots.savePng(img, file.resolve("img.png")));
    assertTrue(e.getMessage().contains("img.png"), e.getMessage());
  }

  @Test
  void headlessIsOnInTests() {
    Plots.ensureHeadless();
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test
  void recognisesTheWaysAwtReportsMissingFonts() {
    assertTrue(Plots.isFontFailure(new Error("Probable fatal error: No fonts found.")));
    // What JDK 17 raises when /usr/share/fonts is empty (checked by hand in a mount namespace).
    assertTrue(Plots.isFontFailure(new Error("Probable fatal error: No physical fonts found.")));
    assertTrue(
        Plots.isFontFailure(
            new NoClassDefFoundError("Could not initialize class sun.font.SunFontManager")));
    NullPointerException npe = new NullPointerException();
    npe.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement("sun.awt.FontConfiguration", "getVersion", "F.java", 1),
          new StackTraceElement("org.jfree.chart.JFreeChart", "draw", "J.java", 2)
        });
    assertTrue(Plots.isFontFailure(npe));
    assertTrue(
        Plots.isFontFailure(
            new RuntimeException(
                "wrapped",
                new UnsatisfiedLinkError("libfontmanager.so: libfreetype.so.6: cannot open"))));
    assertFalse(Plots.isFontFailure(new IllegalArgumentException("bad shape")));
    assertFalse(Plots.isFontFailure(new OutOfMemoryError("Java heap space")));
  }

  @Test
  void renderTurnsAFontFailureIntoAnErrorNamingThePackage() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Plots.render(
                    () -> {
                      throw new Error("Probable fatal error: No fonts found.");
                    }));
    assertTrue(
        e.getMessage()
            .startsWith(
                "no fonts available for headless chart rendering: install a font package"
                    + " (Debian: apt-get install -y fonts-dejavu-core)"),
        e.getMessage());
    IllegalArgumentException other = new IllegalArgumentException("unrelated");
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Plots.render(
                    () -> {
                      throw other;
                    }));
    assertSame(other, thrown);
  }
}
