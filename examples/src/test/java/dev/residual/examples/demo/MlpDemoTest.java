package dev.residual.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.demo.MlpDemo.Config;
import dev.residual.examples.demo.MlpDemo.Result;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MlpDemoTest {

  private static Result quietly(Config config, ByteArrayOutputStream sink) {
    return MlpDemo.train(config, new PrintStream(sink, true, StandardCharsets.UTF_8), false);
  }

  @Test
  void trainingLowersTheLossAndSeparatesTheSpirals() {
    var log = new ByteArrayOutputStream();
    Result result = quietly(new Config(300, 0, 0.5, 100, 32), log);

    // An untrained two-class model sits near ln 2 = 0.693 nats.
    assertEquals(Math.log(2), result.initialLoss(), 0.15);
    assertTrue(
        result.finalLoss() < 0.5 * result.initialLoss(),
        "loss fell only from " + result.initialLoss() + " to " + result.finalLoss());
    assertTrue(result.accuracy() > 0.9, "accuracy " + result.accuracy());
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("step     1  loss"), text);
    assertTrue(text.contains("step   300  loss"), text);
  }

  @Test
  void sameSeedGivesTheSameRun() {
    Config config = new Config(20, 7, 0.5, 50, 8);
    Result first = quietly(config, new ByteArrayOutputStream());
    Result second = quietly(config, new ByteArrayOutputStream());
    assertEquals(first.initialLoss(), second.initialLoss(), 0.0);
    assertEquals(first.finalLoss(), second.finalLoss(), 0.0);
    assertEquals(first.accuracy(), second.accuracy(), 0.0);
  }

  @Test
  void twoSpiralsHaveBalancedLabelsAndPointsInTheUnitDisc() {
    Tensor[] data = MlpDemo.twoSpirals(new Generator(0), 50);
    assertArrayEquals(new long[] {100, 2}, data[0].shape());
    assertArrayEquals(new long[] {100}, data[1].shape());
    assertEquals(50, data[1].sum().item(), 0.0);
    for (float coordinate : data[0].toFloatArray()) {
      assertTrue(Math.abs(coordinate) < 1.2, "coordinate " + coordinate);
    }
  }

  @Test
  void configRejectsNonPositiveStepsAndLearningRate() {
    var steps = assertThrows(IllegalArgumentException.class, () -> new Config(0, 0, 0.5, 10, 4));
    assertTrue(steps.getMessage().contains("--steps"), steps.getMessage());
    var lr = assertThrows(IllegalArgumentException.class, () -> new Config(1, 0, -1, 10, 4));
    assertTrue(lr.getMessage().contains("--lr"), lr.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Config(1, 0, Double.NaN, 10, 4));
    assertThrows(IllegalArgumentException.class, () -> new Config(1, 0, 0.5, 0, 4));
  }
}
