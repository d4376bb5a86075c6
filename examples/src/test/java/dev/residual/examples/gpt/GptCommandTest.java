package dev.residual.examples.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.cli.ResidualCli;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.train.TrainConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GptCommandTest {

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new GptCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void prepareTrainAndSampleThroughTheCommandLine(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input.txt");
    Files.writeString(input, "to be or not to be, that is the question. ".repeat(60));
    Path data = dir.resolve("data");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(
        0, run(out, err, "prepare", "--input", input.toString(), "--out", data.toString()));
    assertTrue(Files.exists(data.resolve("train.bin")));
    assertTrue(Files.exists(data.resolve("meta.json")));
    assertTrue(out.toString().contains("vocab size 15"), out.toString());

    Path ckpt = dir.resolve("out");
    int rc =
        run(
            out,
            err,
            "train",
            "--data",
            data.toString(),
            "--out-dir",
            ckpt.toString(),
            "--runs-dir",
            dir.resolve("runs").toString(),
            "--n-layer",
            "1",
            "--n-head",
            "2",
            "--n-embd",
            "16",
            "--block-size",
            "8",
            "--batch-size",
            "4",
            "--max-iters",
            "20",
            "--lr",
            "1e-2",
            "--warmup-iters",
            "2",
            "--lr-decay-iters",
            "20",
            "--eval-interval",
            "10",
            "--eval-iters",
            "2",
            "--console",
            "false");
    assertEquals(0, rc, err.toString());
    assertTrue(out.toString().contains("step 20: train loss"), out.toString());
    assertTrue(Files.exists(ckpt.resolve("model.safetensors")));

    StringWriter sample = new StringWriter();
    assertEquals(
        0,
        run(
            sample,
            err,
            "sample",
            "--checkpoint",
            ckpt.toString(),
            "--prompt",
            "to be",
            "--max-new-tokens",
            "10",
            "--temperature",
            "0"),
        err.toString());
    String text = sample.toString().replaceAll("\\R$", "");
    assertTrue(text.startsWith("to be"), text);
    assertEquals("to be".length() + 10, text.length(), text);
  }

  @Test
  void configFileSettingsAreOverriddenByFlags(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("train.json");
    Files.writeString(cfg, "{\"maxIters\": 7, \"lr\": 0.005, \"nLayer\": 2}");
    GptCommand.Train train = new GptCommand.Train();
    new CommandLine(train).parseArgs("--config", cfg.toString(), "--lr", "0.002", "--seed", "9");
    TrainConfig c = train.config();
    assertEquals(7, c.maxIters());
    assertEquals(0.002, c.lr());
    assertEquals(2, c.nLayer());
    assertEquals(9, c.seed());
    assertEquals(64, c.blockSize());
    new CommandLine(train).parseArgs("--activation", "GELU");
    assertEquals(GPT2Config.Activation.GELU, train.config().activation());
  }

  @Test
  void namedDatasetOfflineExplainsInput(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(
        1, run(out, err, "prepare", "--dataset", "shakespeare_char", "--out", dir.toString()));
    assertTrue(err.toString().contains("--input"), err.toString());
  }

  @Test
  void badSettingsAreUsageErrors(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(2, run(out, err, "train", "--batch-size", "0"));
    assertEquals(2, run(out, err, "prepare", "--out", dir.toString()));
    assertEquals(2, ResidualCli.execute("gpt"));
  }

  @Test
  void sampleReadsAHuggingFaceDirectoryAndRunsBeamSearchAndSeveralSamples(@TempDir Path dir)
      throws Exception {
    GPT2 model = new GPT2(GPT2Config.of(1, 2, 16, 32, 50257), 3);
    model.saveHuggingFace(dir);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] common = {
      "sample", "--hf-dir", dir.toString(), "--prompt", "Hello", "--max-new-tokens", "5"
    };
    assertEquals(
        0,
        run(
            out,
            err,
            concat(common, "--temperature", "0", "--num-beams", "3", "--num-samples", "2")),
        err.toString());
    assertTrue(out.toString().contains("--- sample 1 (score"), out.toString());
    out = new StringWriter();
    assertEquals(
        0,
        run(out, err, concat(common, "--top-k", "20", "--top-p", "0.9", "--num-samples", "3")),
        err.toString());
    assertEquals(3, out.toString().split("--- sample").length - 1, out.toString());
    out = new StringWriter();
    assertEquals(2, run(out, err, concat(common, "--num-beams", "2")), "beam sampling is refused");
    assertTrue(err.toString().contains("temperature"), err.toString());
    assertEquals(2, run(out, err, "sample", "--prompt", "x"), "needs a model");
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
