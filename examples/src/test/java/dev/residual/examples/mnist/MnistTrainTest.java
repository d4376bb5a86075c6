package dev.residual.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Integration test on the real MNIST subset; skipped when ../shared/data is not there. */
class MnistTrainTest {
  @Test
  void oneEpochOfTheMlpLearnsMnist() throws IOException {
    Path data = MnistTrain.findData();
    assumeTrue(data != null, "no ../shared/data/mnist-10k");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    MnistTrain.Result r =
        MnistTrain.train(
            data, MnistTrain.Model.MLP, 1, new PrintStream(sink, true, StandardCharsets.UTF_8));
    assertTrue(r.testAccuracy() > 0.85, "accuracy after one epoch: " + r.testAccuracy());
  }

  @Test
  void theCnnRunsAFewStepsAndLowersItsLoss() throws IOException {
    Path data = MnistTrain.findData();
    assumeTrue(data != null, "no ../shared/data/mnist-10k");
    MnistTrain t = new MnistTrain();
    t.data = data;
    t.model = MnistTrain.Model.CNN;
    t.steps = 30;
    MnistTrain.Result r =
        t.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertTrue(r.lastLoss() < 2.0, "loss after 30 steps: " + r.lastLoss());
  }

  @Test
  void aTrackedRunRecordsLossAndTestAccuracy(@TempDir Path runs) throws IOException {
    Path data = MnistTrain.findData();
    assumeTrue(data != null, "no ../shared/data/mnist-10k");
    MnistTrain t = new MnistTrain();
    t.data = data;
    t.steps = 20;
    t.runsDir = runs;
    MnistTrain.Result r =
        t.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Path dir;
    try (Stream<Path> ids = Files.list(runs.resolve("mnist"))) {
      dir = ids.findFirst().orElseThrow();
    }
    String metrics = Files.readString(dir.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"loss\""), metrics);
    assertTrue(metrics.contains("\"test_accuracy\""), metrics);
    assertTrue(Files.readString(dir.resolve("summary.json")).contains("test_accuracy"));
    assertTrue(Files.readString(dir.resolve("config.json")).contains("\"batch_size\" : 64"));
    assertTrue(Files.exists(dir.resolve("index.html")));
    assertTrue(r.testAccuracy() > 0);
  }
}
