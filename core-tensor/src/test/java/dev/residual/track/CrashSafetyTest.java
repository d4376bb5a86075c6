package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class CrashSafetyTest {
  @TempDir Path root;

  @Test
  void aKilledRunLeavesReadableMetricsAndAReport() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                root.toString())
            .redirectErrorStream(true)
            .start();
    Path dir = null;
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("DIR ")) {
          dir = Path.of(line.substring(4));
          break;
        }
      }
      assertTrue(dir != null, "the child printed its run directory");
      Path metrics = dir.resolve("metrics.jsonl");
      // Wait until a good number of steps are on disk, then kill it mid-run.
      long deadline = System.currentTimeMillis() + 6000;
      while (System.currentTimeMillis() < deadline
          && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < 100)) {
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertTrue(lines.size() >= 100, "steps logged before the kill: " + lines.size());
    assertTrue(lines.size() < 1000, "killed mid-run");
    ObjectMapper json = new ObjectMapper();
    String raw = Files.readString(dir.resolve("metrics.jsonl"));
    boolean lastComplete = raw.endsWith("\n");
    long previous = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (i == lines.size() - 1 && !lastComplete) {
        break; // the line being written when the process died
      }
      JsonNode n = json.readTree(lines.get(i));
      long step = n.get("_step").asLong();
      assertTrue(step > previous, "steps strictly increase");
      assertTrue(n.has("loss") && n.has("_timestamp"));
      previous = step;
    }
    assertTrue(Files.exists(dir.resolve("index.html")));
    assertTrue(Files.readString(dir.resolve("index.html")).contains("\"loss\""));
    assertTrue(Files.readString(dir.resolve("run.json")).contains("running"));
    lastCrashedRun = dir;
  }

  /** The directory the last run of {@link #aKilledRunLeavesReadableMetricsAndAReport} left. */
  static Path lastCrashedRun;

  /**
   * Kills a child run mid-training and returns the run directory it left (for the sync test in
   * {@code track.wandb}).
   */
  public static Path killedRun(Path root) throws Exception {
    CrashSafetyTest t = new CrashSafetyTest();
    t.root = root;
    t.aKilledRunLeavesReadableMetricsAndAReport();
    return lastCrashedRun;
  }
}
