package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated {@code index.html} in headless Chromium (Debian package {@code chromium}) and
 * checks the DOM its inline script builds: one SVG chart per metric with a drawn line, the images
 * and the tables. Skipped when no Chromium is installed.
 */
class ReportRenderTest {
  @TempDir Path root;

  private static Path chromium() {
    for (String p :
        List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  @Test
  void chromiumDrawsOneLinePerMetricAndShowsTheImages() throws Exception {
    Path browser = chromium();
    assumeTrue(browser != null, "headless Chromium not installed");
    Path dir;
    try (Run run =
        Runs.start(
            RunOptions.builder()
                .project("render")
                .name("render </script> & co")
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .config(Map.of("lr", 0.1))
                .build())) {
      dir = run.dir();
      for (int step = 0; step < 50; step++) {
        run.log(step, Map.of("loss", 1.0 / (step + 1), "acc", step / 50.0));
      }
      run.log(50, Map.of("loss", Double.NaN));
      run.logImage(50, "img", new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));
      run.summary("final_loss", 0.02);
    }
    Process p =
        new ProcessBuilder(
                browser.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--dump-dom",
                dir.resolve("index.html").toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    Matcher m = Pattern.compile("<path d=\"(M[^\"]*)\"[^>]*class=\"series\"").matcher(dom);
    int lines = 0;
    while (m.find()) {
      lines++;
      assertTrue(m.group(1).split("L").length >= 40, "a line through the points: " + m.group(1));
    }
    assertEquals(2, lines, "one chart line per metric");
    assertTrue(dom.contains("src=\"media/img_50.png\""));
    assertTrue(dom.contains("final_loss"));
    assertTrue(dom.contains("render &lt;/script&gt; &amp; co"), "the name is text, not markup");
  }
}
