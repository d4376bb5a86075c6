package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2Config;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionPatternsTest {
  @Test
  void writesAHeadGridPngAndASelfContainedHtmlPage(@TempDir Path dir) throws Exception {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));
    ActivationCache cache;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cache = ht.runWithCache(HookedTransformerTest.tokens()).cache();
    }
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      labels.add(i == 3 ? "</script>\"x\n" : "t" + i);
    }
    Path png = dir.resolve("layer0.png");
    AttentionPatterns.savePng(cache, 0, 1, labels, png, 240);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(4 * 240, img.getWidth(), "4 heads in one row");
    assertEquals(240, img.getHeight());
    Path html = dir.resolve("sub/layer1.html");
    AttentionPatterns.saveHtml(cache, 1, 0, labels, html);
    String page = Files.readString(html);
    assertTrue(page.contains("Attention patterns, layer 1"));
    assertTrue(page.contains("\\u003c/script>\\\"x\\n"), "labels are escaped for the script");
    assertEquals(1, page.split("</script>", -1).length - 1, "only the page's own closing tag");
    assertTrue(!page.contains("http"), "no network resources");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AttentionPatterns.saveHtml(cache, 0, 0, labels.subList(0, 5), html));
    assertTrue(e.getMessage().contains("5 token labels for 11 positions"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AttentionPatterns.savePng(cache, 0, 3, labels, png, 100));
  }

  @Test
  void gridsOfPatchingResultsAreDrawnWithTheirLabels(@TempDir Path dir) throws Exception {
    Tensor grid = Tensor.of(new float[] {0.1f, -0.5f, 0.9f, 0f, 0.2f, -0.3f}, 2, 3);
    Path png = dir.resolve("patch.png");
    InterpPlots.saveGrid(
        grid, InterpPlots.indexLabels(2), List.of("a", "b", "c"), "patching", true, png);
    assertTrue(ImageIO.read(png.toFile()).getWidth() >= 360);
    assertEquals(List.of("L0H0", "L0H1", "L1H0", "L1H1"), InterpPlots.headLabels(2, 2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            InterpPlots.saveGrid(
                grid, InterpPlots.indexLabels(3), List.of("a", "b", "c"), "x", false, png));
  }
}
