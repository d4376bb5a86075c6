package dev.residual.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {
  static void set(Tensor t, double... v) {
    try (var g = Tensor.noGrad()) {
      t.copy_(Tensor.of(v));
    }
  }

  @Test
  void updateBlendsShadowTowardsParameter() {
    Tensor p = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.9);
    set(p, 2, 4);
    ema.update();
    assertArrayEquals(new double[] {1.1, 2.2}, ema.shadows().get(0).toDoubleArray(), 1e-15);
    set(p, 0, 0);
    ema.update();
    assertArrayEquals(new double[] {0.99, 1.98}, ema.shadows().get(0).toDoubleArray(), 1e-15);
    assertEquals(2, ema.numUpdates());
  }

  @Test
  void warmupRampsTheDecayLikeDiffusers() {
    Tensor p = Tensor.of(new double[] {1}).requiresGrad(true);
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.5, true);
    assertEquals(0.0, ema.currentDecay());
    set(p, 3);
    ema.update();
    assertArrayEquals(new double[] {3}, ema.shadows().get(0).toDoubleArray(), 0.0);
    assertEquals(2.0 / 11.0, ema.currentDecay(), 1e-15);
    set(p, 0);
    ema.update();
    assertEquals(3 * 2.0 / 11.0, ema.shadows().get(0).toDoubleArray()[0], 1e-15);
    for (int i = 0; i < 20; i++) {
      ema.update();
    }
    assertEquals(0.5, ema.currentDecay());
  }

  @Test
  void float32ShadowsFollowTheSameFormula() {
    Tensor p = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.75);
    set(p, 5, 6);
    ema.update();
    assertArrayEquals(new float[] {2, 3}, ema.shadows().get(0).toFloatArray(), 0f);
  }

  @Test
  void parametersWithoutGradAreCopied() {
    Tensor buf = Tensor.of(new double[] {1, 1});
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(buf), 0.9);
    set(buf, 7, 8);
    ema.update();
    assertArrayEquals(new double[] {7, 8}, ema.shadows().get(0).toDoubleArray(), 0.0);
  }

  @Test
  void storeCopyToRestoreSwapsWeightsForEvaluation() {
    Tensor p = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.5);
    set(p, 3, 4);
    ema.update();
    ema.store();
    int v = p.version();
    ema.copyTo();
    assertTrue(p.version() > v);
    assertArrayEquals(new double[] {2, 3}, p.toDoubleArray(), 0.0);
    ema.restore();
    assertArrayEquals(new double[] {3, 4}, p.toDoubleArray(), 0.0);
    Tensor other = Tensor.zeros(dev.residual.tensor.DType.FLOAT64, 2);
    ema.copyTo(List.of(other));
    assertArrayEquals(new double[] {2, 3}, other.toDoubleArray(), 0.0);
  }

  @Test
  void stateDictRoundTripsShadowsAndCount() {
    Tensor p = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.9, true);
    set(p, 3, 4);
    ema.update();
    ema.update();
    OptimizerState s = ema.stateDict();
    Tensor q = Tensor.of(new double[] {3, 4}).requiresGrad(true);
    ExponentialMovingAverage other = new ExponentialMovingAverage(List.of(q), 0.9, true);
    other.loadStateDict(s);
    assertEquals(2, other.numUpdates());
    ema.update();
    other.update();
    assertArrayEquals(
        ema.shadows().get(0).toDoubleArray(), other.shadows().get(0).toDoubleArray(), 0.0);
    assertEquals(0.9, s.meta().get("decay"));
  }

  @Test
  void errorsAreReported() {
    Tensor p = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    assertThrows(
        IllegalArgumentException.class, () -> new ExponentialMovingAverage(List.of(p), 1.5));
    assertThrows(
        IllegalArgumentException.class, () -> new ExponentialMovingAverage(List.of(), 0.9));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ExponentialMovingAverage(List.of(Tensor.of(new long[] {1})), 0.9));
    ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.9);
    assertThrows(IllegalStateException.class, ema::restore);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ema.copyTo(List.of(Tensor.zeros(dev.residual.tensor.DType.FLOAT64, 3))));
    assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    ExponentialMovingAverage wrong =
        new ExponentialMovingAverage(List.of(Tensor.of(new double[] {1, 2, 3})), 0.9);
    e = assertThrows(IllegalArgumentException.class, () -> wrong.loadStateDict(ema.stateDict()));
    assertTrue(e.getMessage().contains("shape"), e.getMessage());
  }
}
