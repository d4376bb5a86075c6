package dev.residual.examples.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.log.EvalLog;
import dev.residual.evals.log.EvalLogs;
import dev.residual.examples.cli.ResidualCli;
import dev.residual.tensor.Generator;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalsCommandTest {
  @Test
  void runScoresATaskFileWritesLogHtmlCsvAndViewReadsItBack(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("qa.jsonl"),
        "{\"question\": \"Say yes\", \"answer\": \"Say yes\"}\n"
            + "{\"question\": \"Say no\", \"answer\": \"maybe\"}\n");
    Files.writeString(
        dir.resolve("task.json"),
        "{\"name\": \"echo-check\", \"dataset\": {\"path\": \"qa.jsonl\", \"input\": \"question\","
            + " \"target\": \"answer\"}, \"solvers\": [{\"type\": \"generate\"}],"
            + " \"scorers\": [{\"type\": \"match\", \"location\": \"exact\"}, {\"type\": \"f1\"}]}");
    Path log = dir.resolve("out/log.json");
    assertEquals(
        0,
        ResidualCli.execute(
            "evals",
            "run",
            dir.resolve("task.json").toString(),
            "--model",
            "scripted/echo",
            "--log",
            log.toString(),
            "--cache-dir",
            dir.resolve("cache").toString()));
    EvalLog l = EvalLogs.read(log);
    assertEquals(0.5, l.metrics().get("match").overall().accuracy(), 1e-12, "echo matches 1 of 2");
    assertTrue(Files.readString(dir.resolve("out/log.html")).contains("echo-check"));
    assertTrue(Files.readString(dir.resolve("out/log.csv")).lines().count() >= 3);
    assertEquals(0, ResidualCli.execute("evals", "view", log.toString()));
    // Usage errors name the problem.
    assertEquals(2, ResidualCli.execute("evals", "run", dir.resolve("task.json").toString()));
    assertEquals(
        2,
        ResidualCli.execute(
            "evals", "run", dir.resolve("nope.json").toString(), "--model", "scripted/echo"));
    assertEquals(
        2,
        ResidualCli.execute(
            "evals", "run", dir.resolve("task.json").toString(), "--model", "nowhere/x"));
    assertEquals(2, ResidualCli.execute("evals", "view", dir.resolve("missing.json").toString()));
  }

  @Test
  void theDemoScoresTheCalculatorPerfectlyAndRunsALocalGpt(@TempDir Path dir) {
    GPT2 tiny = new GPT2(GPT2Config.of(1, 2, 16, EvalsDemoTestSupport.SEQ, 13), new Generator(1));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<EvalLog> logs =
        EvalsDemo.run(
            tiny,
            new int[] {3745, 1010, 9999},
            dir,
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertEquals(2, logs.size());
    assertEquals(1.0, logs.get(0).metrics().get("match").overall().accuracy(), 1e-12);
    assertEquals(
        0, logs.get(1).errors(), "the untrained local GPT answers, wrongly, without errors");
    assertEquals(3, logs.get(1).reductions().size());
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("local/addition-demo"));
    assertTrue(Files.exists(dir.resolve("two-digit-addition_local_addition-demo.html")));
  }

  /** The addition demo's sequence length (prompt 6 + answer 4 − 1). */
  static final class EvalsDemoTestSupport {
    static final int SEQ = 9;
  }
}
