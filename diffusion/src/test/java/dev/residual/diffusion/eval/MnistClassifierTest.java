package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.io.SafeTensors;
import dev.residual.tensor.Autograd;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistClassifierTest {
  @TempDir Path dir;

  private static final MnistClassifier.Config TINY = new MnistClassifier.Config(4, 8, 2, false, 0);
  private static final MnistClassifier.Config TINY_T = new MnistClassifier.Config(4, 8, 2, true, 8);

  @Test
  void logitsAndFeaturesHaveDocumentedShapesAt28And32() {
    MnistClassifier c = new MnistClassifier(TINY, new Generator(0));
    for (int size : new int[] {28, 32}) {
      Tensor x = Tensor.randn(new Generator(1), 3, 1, size, size);
      assertArrayEquals(new long[] {3, 10}, c.logits(x, null).shape());
      assertArrayEquals(new long[] {3, 8}, c.features(x, null).shape());
    }
    assertFalse(c.isTimeConditioned());
  }

  @Test
  void cleanClassifierIgnoresTimesteps() {
    MnistClassifier c = new MnistClassifier(TINY, new Generator(0));
    Tensor x = Tensor.randn(new Generator(1), 2, 1, 8, 8);
    Tensor t = Tensor.of(new long[] {5, 9}, 2);
    assertArrayEquals(c.logits(x, null).toFloatArray(), c.logits(x, t).toFloatArray());
  }

  @Test
  void timeConditionedLogitsDependOnTimestep() {
    MnistClassifier c = new MnistClassifier(TINY_T, new Generator(0));
    Tensor x = Tensor.randn(new Generator(1), 2, 1, 8, 8);
    float[] a = c.logits(x, Tensor.of(new long[] {0, 0}, 2)).toFloatArray();
    float[] b = c.logits(x, Tensor.of(new long[] {500, 500}, 2)).toFloatArray();
    assertEquals(20, a.length);
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff += Math.abs(a[i] - b[i]);
    }
    assertTrue(diff > 1e-4, "logits did not change with t: " + diff);
  }

  @Test
  void gradientOfLogitsWithRespectToInputExists() {
    for (MnistClassifier.Config cfg : List.of(TINY, TINY_T)) {
      MnistClassifier c = new MnistClassifier(cfg, new Generator(2));
      Tensor x = Tensor.randn(new Generator(3), 2, 1, 8, 8).requiresGrad(true);
      Tensor t = Tensor.of(new long[] {10, 20}, 2);
      Tensor logp =
          dev.residual.nn.functional.F.logSoftmax(c.logits(x, t), 1)
              .gather(1, Tensor.of(new long[] {3, 7}, 2, 1))
              .sum();
      Tensor grad = Autograd.grad(logp, List.of(x)).get(0);
      assertArrayEquals(x.shape(), grad.shape());
      double norm = grad.abs().sum().item();
      assertTrue(norm > 0 && Double.isFinite(norm), "gradient norm " + norm);
    }
  }

  @Test
  void timeConditionedClassifierRequiresTimesteps() {
    MnistClassifier c = new MnistClassifier(TINY_T, new Generator(0));
    Tensor x = Tensor.zeros(2, 1, 8, 8);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.logits(x, null));
    assertTrue(e.getMessage().contains("time-conditioned"), e.getMessage());
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class, () -> c.logits(x, Tensor.of(new long[] {1, 2, 3}, 3)));
    assertTrue(wrong.getMessage().contains("[3]"), wrong.getMessage());
  }

  @Test
  void wrongImageShapesAreRejected() {
    MnistClassifier c = new MnistClassifier(TINY, new Generator(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> c.logits(Tensor.zeros(2, 3, 8, 8), null));
    assertTrue(e.getMessage().contains("[2, 3, 8, 8]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.features(Tensor.zeros(2, 8, 8), null));
    assertThrows(IllegalArgumentException.class, () -> c.features(Tensor.zeros(2, 1, 2, 2), null));
  }

  @Test
  void invalidConfigsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> new MnistClassifier.Config(0, 8, 1, false, 0));
    IllegalArgumentException groups =
        assertThrows(
            IllegalArgumentException.class, () -> new MnistClassifier.Config(6, 8, 4, false, 0));
    assertTrue(groups.getMessage().contains("4") && groups.getMessage().contains("6"));
    assertThrows(
        IllegalArgumentException.class, () -> new MnistClassifier.Config(4, 8, 2, true, 7));
    assertThrows(IllegalArgumentException.class, () -> new MnistClassifier(null, new Generator(0)));
  }

  @Test
  void saveLoadRoundTripGivesIdenticalLogits() throws IOException {
    for (MnistClassifier.Config cfg : List.of(TINY, TINY_T)) {
      MnistClassifier c = new MnistClassifier(cfg, new Generator(4));
      Path file = dir.resolve("c" + cfg.timeConditioned() + ".safetensors");
      c.save(file);
      MnistClassifier back = MnistClassifier.load(file);
      assertEquals(cfg, back.config());
      Tensor x = Tensor.randn(new Generator(5), 3, 1, 12, 12);
      Tensor t = Tensor.of(new long[] {0, 7, 999}, 3);
      assertArrayEquals(c.logits(x, t).toFloatArray(), back.logits(x, t).toFloatArray());
    }
  }

  @Test
  void loadRejectsFilesWithoutClassifierMetadata() throws IOException {
    Path file = dir.resolve("other.safetensors");
    SafeTensors.write(file, Map.of("w", Tensor.zeros(DType.FLOAT32, 2)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MnistClassifier.load(file));
    assertTrue(e.getMessage().contains("MnistClassifier"), e.getMessage());
  }
}
