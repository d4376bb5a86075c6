package dev.residual.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.demo.AdditionGptDemo.Config;
import dev.residual.examples.demo.AdditionGptDemo.Result;
import dev.residual.tensor.Generator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdditionGptDemoTest {

  @Test
  void aFewStepsOfATinyModelLowerTheAnswerLoss() {
    var log = new ByteArrayOutputStream();
    Config config = new Config(60, 0, 1e-2, 32, 1, 2, 16, 0.1, 20);
    Result result =
        AdditionGptDemo.train(config, new PrintStream(log, true, StandardCharsets.UTF_8), null);

    // An untrained model spreads its guesses over the 13 characters: about ln 13 = 2.56 nats.
    assertEquals(Math.log(13), result.initialLoss(), 0.5);
    assertTrue(
        result.finalLoss() < 0.8 * result.initialLoss(),
        "loss fell only from " + result.initialLoss() + " to " + result.finalLoss());
    assertTrue(result.accuracy() >= 0 && result.accuracy() <= 1, "accuracy " + result.accuracy());
    assertEquals(6, result.samples().size());
    for (String sample : result.samples()) {
      assertTrue(sample.matches("\\d\\d\\+\\d\\d=\\d* (✓|✗ \\(\\d+\\))"), sample);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("step     1  loss"), text);
    assertTrue(text.contains("step    60  loss"), text);
  }

  @Test
  void encodingMasksThePromptAndThePadding() {
    long[] x = new long[AdditionGptDemo.SEQ];
    long[] y = new long[AdditionGptDemo.SEQ];
    // "12+34=46\n": two answer digits, then a newline, then one padding position.
    AdditionGptDemo.encode(1234, x, y, 0);
    assertArrayEquals(new long[] {1, 2, 10, 3, 4, 11, 4, 6, 12}, x);
    assertArrayEquals(new long[] {-1, -1, -1, -1, -1, 4, 6, 12, -1}, y);
    // "99+99=198\n": the last target (the newline) sits one past the last input.
    AdditionGptDemo.encode(9999, x, y, 0);
    assertArrayEquals(new long[] {9, 9, 10, 9, 9, 11, 1, 9, 8}, x);
    assertArrayEquals(new long[] {-1, -1, -1, -1, -1, 1, 9, 8, 12}, y);
  }

  @Test
  void heldOutPairsNeverAppearInTrainingInEitherOrder() {
    int[][] split = AdditionGptDemo.split(new Generator(3), 0.1);
    assertEquals(90 * 90, split[0].length + split[1].length);
    Set<Integer> train = new HashSet<>();
    for (int p : split[0]) {
      train.add(p);
    }
    for (int p : split[1]) {
      int a = p / 100;
      int b = p % 100;
      assertTrue(!train.contains(100 * a + b) && !train.contains(100 * b + a), "leaked " + p);
    }
    assertTrue(split[1].length > 500 && split[1].length < 1100, "held out " + split[1].length);
  }

  @Test
  void exactMatchScoresAnUntrainedModelAndFormatsSamples() {
    var model = new dev.residual.transformer.GPT2(Config.defaults().model(), new Generator(1));
    List<String> samples = new ArrayList<>();
    double acc = AdditionGptDemo.exactMatch(model, new int[] {1234, 9999}, samples);
    assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
    assertEquals(2, samples.size());
    assertTrue(samples.get(0).startsWith("12+34="), samples.get(0));
    assertTrue(samples.get(1).startsWith("99+99="), samples.get(1));
  }

  @Test
  void learningRateWarmsUpThenDecaysToATenth() {
    Config config = new Config(100, 0, 1e-3, 8, 1, 1, 8, 0.1, 1);
    assertEquals(1e-3 / 5, AdditionGptDemo.learningRate(config, 1), 1e-15);
    assertEquals(1e-3, AdditionGptDemo.learningRate(config, 5), 1e-15);
    assertEquals(1e-4, AdditionGptDemo.learningRate(config, 100), 1e-15);
  }

  @Test
  void configRejectsBadSettings() {
    var steps =
        assertThrows(
            IllegalArgumentException.class, () -> new Config(0, 0, 1e-3, 8, 1, 1, 8, 0.1, 1));
    assertTrue(steps.getMessage().contains("--steps"), steps.getMessage());
    var lr =
        assertThrows(
            IllegalArgumentException.class, () -> new Config(1, 0, -1, 8, 1, 1, 8, 0.1, 1));
    assertTrue(lr.getMessage().contains("--lr"), lr.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Config(1, 0, 1e-3, 0, 1, 1, 8, 0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Config(1, 0, 1e-3, 8, 1, 1, 8, 1.0, 1));
  }
}
