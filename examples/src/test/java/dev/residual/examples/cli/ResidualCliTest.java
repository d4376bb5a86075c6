package dev.residual.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidualCliTest {

  @Test
  void versionAndHelpExitWithZero() {
    assertEquals(0, ResidualCli.execute("--version"));
    assertEquals(0, ResidualCli.execute("--help"));
    assertEquals(0, ResidualCli.execute("demo", "--help"));
  }

  @Test
  void missingOrUnknownCommandIsAUsageError() {
    assertEquals(2, ResidualCli.execute());
    assertEquals(2, ResidualCli.execute("no-such-command"));
  }

  @Test
  void demoRejectsBadOptionsAsUsageErrors() {
    assertEquals(2, ResidualCli.execute("demo", "--steps", "0"));
    assertEquals(2, ResidualCli.execute("demo", "--lr", "-1"));
    assertEquals(2, ResidualCli.execute("demo", "--steps", "many"));
  }

  @Test
  void demoRunsThroughTheCommandLine() {
    assertEquals(
        0,
        ResidualCli.execute("demo", "--steps", "3", "--seed", "1", "--no-progress", "--no-track"));
  }

  @Test
  void demoRecordsARunWithAReport(@TempDir Path runs) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "demo", "--steps", "5", "--no-progress", "--runs-dir", runs.toString()));
    Path project = runs.resolve("residual-demo");
    Path dir;
    try (Stream<Path> ids = Files.list(project)) {
      dir = ids.findFirst().orElseThrow();
    }
    assertEquals(5, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("\"accuracy\""), "accuracy chart data");
    assertTrue(html.contains("media/decision_boundary_5.png"));
    assertTrue(Files.exists(dir.resolve("media/decision_boundary_5.png")));
    assertTrue(Files.readString(dir.resolve("summary.json")).contains("final_accuracy"));
  }

  @Test
  void demoTaskOptionRejectsUnknownTasksAndContradictions() {
    assertEquals(2, ResidualCli.execute("demo", "--task", "chess"));
    assertEquals(2, ResidualCli.execute("demo", "--spirals", "--task", "gpt"));
  }

  @Test
  void demoGptTaskTrainsAndRecordsHeldOutAccuracy(@TempDir Path runs) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "demo", "--task", "gpt", "--steps", "4", "--runs-dir", runs.toString()));
    Path dir;
    try (Stream<Path> ids = Files.list(runs.resolve("residual-demo"))) {
      dir = ids.findFirst().orElseThrow();
    }
    assertEquals(4, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    assertTrue(Files.readString(dir.resolve("summary.json")).contains("heldout_accuracy"));
  }

  @Test
  void spiralsAliasAndTaskOptionRunTheSpiralsDemo() {
    assertEquals(0, ResidualCli.execute("demo", "--spirals", "--steps", "2", "--no-track"));
    assertEquals(0, ResidualCli.execute("demo", "--task", "spirals", "--steps", "2", "--no-track"));
  }
}
