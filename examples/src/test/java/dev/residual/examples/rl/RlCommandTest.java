package dev.residual.examples.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.cli.ResidualCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RlCommandTest {
  private static Path onlyRun(Path runs) throws Exception {
    try (Stream<Path> ids = Files.list(runs.resolve("residual-rl"))) {
      return ids.findFirst().orElseThrow();
    }
  }

  @Test
  void banditsWritesTheFourFiguresIntoTheReport(@TempDir Path runs) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "rl", "bandits", "--runs", "20", "--steps", "50", "--runs-dir", runs.toString()));
    Path dir = onlyRun(runs);
    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("fig2_2"), "figure 2.2 in the report");
    try (Stream<Path> pngs = Files.list(dir.resolve("bandits"))) {
      assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 4);
    }
  }

  @Test
  void tabularPlansTheGridworldsAndComparesTheTdMethods(@TempDir Path out) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "rl",
            "tabular",
            "--runs",
            "2",
            "--episodes",
            "30",
            "--no-track",
            "--out",
            out.toString()));
    for (String f :
        new String[] {
          "gridworld_values",
          "gridworld_policy",
          "frozenlake_values",
          "frozenlake_policy",
          "cliffwalking_returns"
        }) {
      assertTrue(Files.size(out.resolve(f + ".png")) > 1000, f);
    }
  }

  @Test
  void dqnTrainsEvaluatesAndSavesAGifOfTheAgent(@TempDir Path runs) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "rl",
            "dqn",
            "--total-timesteps",
            "400",
            "--learning-starts",
            "100",
            "--eval-episodes",
            "2",
            "--runs-dir",
            runs.toString()));
    Path dir = onlyRun(runs);
    Path gif = dir.resolve("video/dqn-agent-episode-0.gif");
    assertTrue(Files.exists(gif), "GIF written");
    assertTrue(ImageIO.read(gif.toFile()).getWidth() == 600);
    String summary = Files.readString(dir.resolve("summary.json"));
    assertTrue(summary.contains("eval_mean_return_greedy"), summary);
    assertTrue(Files.readString(dir.resolve("metrics.jsonl")).contains("episodic_return"));
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(2, ResidualCli.execute("rl"));
    assertEquals(2, ResidualCli.execute("rl", "dqn", "--preset", "atari", "--no-track"));
    assertEquals(2, ResidualCli.execute("rl", "dqn", "--env", "Pong-v5", "--no-track"));
    assertEquals(2, ResidualCli.execute("rl", "bandits", "--runs", "0", "--no-track"));
    assertEquals(2, ResidualCli.execute("rl", "dqn", "--total-timesteps", "0", "--no-track"));
  }
}
