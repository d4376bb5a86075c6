package dev.residual.examples.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.cli.ResidualCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpCommandTest {
  @Test
  void inductionWritesItsFiguresIntoTheRunReport(@TempDir Path runs) throws Exception {
    // A few steps only: the acceptance of the study itself is InductionStudyTest's.
    assertEquals(
        0,
        ResidualCli.execute(
            "interp",
            "induction",
            "--quick",
            "--short-steps",
            "20",
            "--runs-dir",
            runs.toString()));
    Path dir;
    try (Stream<Path> ids = Files.list(runs.resolve("residual-interp"))) {
      dir = ids.findFirst().orElseThrow();
    }
    String html = Files.readString(dir.resolve("index.html"));
    for (String figure :
        new String[] {"loss", "scores", "head_scores", "composition", "patterns_layer1"}) {
      assertTrue(html.contains("media/" + figure + "_20.png"), figure + " in the report");
      assertTrue(Files.exists(dir.resolve("induction/" + figure + ".png")), figure);
    }
    assertTrue(Files.exists(dir.resolve("induction/patterns_layer1.html")));
    String summary = Files.readString(dir.resolve("summary.json"));
    assertTrue(summary.contains("best_induction_score"), summary);
    assertEquals(1, Files.readAllLines(dir.resolve("metrics.jsonl")).size(), "the final snapshot");
  }

  @Test
  void badSettingsAreUsageErrors(@TempDir Path out) {
    assertEquals(2, ResidualCli.execute("interp"));
    assertEquals(
        2, ResidualCli.execute("interp", "induction", "--short-steps", "-3", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "interp", "induction", "--quick", "--short-steps", "0", "--out", out.toString()));
  }
}
