package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanditExperimentsTest {
  @Test
  void writesTheFourFiguresAndRecordsThemInTheRun(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("plots");
    Run run =
        Runs.start(
            RunOptions.builder()
                .project("bandits-test")
                .rootDir(dir.resolve("runs"))
                .console(false)
                .wandbMode("disabled")
                .build());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Map<String, List<Testbed.Result>> results;
    try (PrintStream ps = new PrintStream(text, true, StandardCharsets.UTF_8)) {
      results = BanditExperiments.run(out, 40, 60, 1L, run, 2, ps);
    }
    run.finish(0);
    assertEquals(List.of("fig2_2", "fig2_3", "fig2_4", "fig2_5"), List.copyOf(results.keySet()));
    assertEquals(3, results.get("fig2_2").size());
    assertEquals(4, results.get("fig2_5").size());
    for (String png :
        List.of(
            "fig2_2_reward",
            "fig2_2_optimal",
            "fig2_3_optimal",
            "fig2_4_reward",
            "fig2_5_optimal")) {
      BufferedImage img = ImageIO.read(out.resolve(png + ".png").toFile());
      assertEquals(BanditExperiments.WIDTH, img.getWidth(), png);
      assertEquals(BanditExperiments.HEIGHT, img.getHeight(), png);
    }
    try (Stream<Path> files = Files.walk(run.dir())) {
      long media =
          files
              .filter(p -> p.toString().contains("media") && p.toString().endsWith(".png"))
              .count();
      assertEquals(5, media);
    }
    String table = text.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("Figure 2.2"), table);
    assertTrue(table.contains("UCB c=2"), table);
    assertTrue(table.contains("40 runs x 60 steps"), table);
  }

  @Test
  void worksWithoutARunAndRejectsBadSizes(@TempDir Path dir) {
    Map<String, List<Testbed.Result>> r = BanditExperiments.run(dir, 5, 12, 0L, null, 1, null);
    assertEquals(12, r.get("fig2_4").get(0).steps());
    assertTrue(Files.exists(dir.resolve("fig2_4_reward.png")));
    assertThrows(IllegalArgumentException.class, () -> BanditExperiments.run(dir, 0, 10, 0L, null));
  }

  @Test
  void exerciseTwoFiveWritesItsChartsAndComparesTheTwoStepSizes(@TempDir Path dir) {
    List<Testbed.Result> r = BanditExperiments.exercise25(dir, 10, 30, 0L, null, 1, null);
    assertEquals(
        List.of("sample averages", "constant step α=0.1"),
        r.stream().map(Testbed.Result::name).toList());
    assertTrue(Files.exists(dir.resolve("ex2_5_reward.png")));
    assertTrue(Files.exists(dir.resolve("ex2_5_optimal.png")));
    assertEquals(
        "BanditExperiments.exercise25: runs and steps must be >= 1, got runs=1, steps=0",
        assertThrows(
                IllegalArgumentException.class,
                () -> BanditExperiments.exercise25(dir, 1, 0, 0L, null, 1, null))
            .getMessage());
  }

  @Test
  void metricNamesAreAscii() {
    assertEquals("eps=0.1", BanditExperiments.metricName("ε=0.1"));
    assertEquals("alpha=0.1_with_baseline", BanditExperiments.metricName("α=0.1 with baseline"));
  }
}
