package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F.Reduction;
import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossesTest {

  // ---------------------------------------------------------------- mse

  @Test
  void mseLossReducesSquaredErrors() {
    Tensor input = Tensor.of(new double[] {1, 2, 3});
    Tensor target = Tensor.of(new double[] {1, 0, 5});
    assertEquals(8.0 / 3, F.mseLoss(input, target).item(), 1e-15);
    assertEquals(8.0, F.mseLoss(input, target, Reduction.SUM).item(), 0);
    assertArrayEquals(
        new double[] {0, 4, 4}, F.mseLoss(input, target, Reduction.NONE).toDoubleArray(), 0);
  }

  @Test
  void mseLossGradientReachesInputAndTarget() {
    Tensor input = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
    Tensor target = Tensor.of(new double[] {1, 0, 5}).requiresGrad(true);
    F.mseLoss(input, target).backward();
    assertArrayEquals(new double[] {0, 4.0 / 3, -4.0 / 3}, input.grad().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0, -4.0 / 3, 4.0 / 3}, target.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void mseLossBroadcastsAndItsGradientMatchesFiniteDifferences() {
    Tensor out =
        F.mseLoss(Tensor.zeros(DType.FLOAT64, 2, 3), Tensor.ones(DType.FLOAT64, 3), Reduction.NONE);
    assertArrayEquals(new long[] {2, 3}, out.shape());
    GradCheck.check(t -> F.mseLoss(t[0], t[1]), GradCheck.randn(1, 2, 3), GradCheck.randn(2, 3));
    GradCheck.check(
        t -> F.mseLoss(t[0], t[1], Reduction.NONE),
        GradCheck.randn(3, 2, 1, 3),
        GradCheck.randn(4, 4, 1));
  }

  @Test
  void mseLossErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> F.mseLoss(Tensor.zeros(2, 3), Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("mseLoss"), e.getMessage());
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.mseLoss(Tensor.zeros(DType.INT64, 2), Tensor.zeros(2)));
    assertTrue(e.getMessage().contains("mseLoss") && e.getMessage().contains("INT64"));
  }

  // ---------------------------------------------------------------- bce with logits

  @Test
  void bceWithLogitsMatchesTheDefinition() {
    // -(y log σ(x) + (1 - y) log(1 - σ(x))), evaluated independently in float64
    Tensor logits = Tensor.of(new double[] {0, 2, -3, 1.5});
    Tensor targets = Tensor.of(new double[] {1, 0, 1, 0.25});
    double[] expected = {
      0.6931471805599453, 2.1269280110429727, 3.048587351573742, 1.3264132779827524
    };
    assertArrayEquals(
        expected,
        F.binaryCrossEntropyWithLogits(logits, targets, null, Reduction.NONE).toDoubleArray(),
        1e-15);
    assertEquals(
        7.195075821159412 / 4, F.binaryCrossEntropyWithLogits(logits, targets).item(), 1e-15);
    assertEquals(
        7.195075821159412,
        F.binaryCrossEntropyWithLogits(logits, targets, null, Reduction.SUM).item(),
        1e-14);
  }

  @Test
  void bceWithLogitsWeighsPositivesByPosWeightOverTheLastDim() {
    Tensor logits = Tensor.of(new double[] {0, -1, 2, 1.5}, 2, 2).requiresGrad(true);
    Tensor targets = Tensor.of(new double[] {1, 0.5, 0, 0.25}, 2, 2);
    Tensor posWeight = Tensor.of(new double[] {2, 3});
    Tensor loss = F.binaryCrossEntropyWithLogits(logits, targets, posWeight, Reduction.NONE);
    assertArrayEquals(
        new double[] {
          1.3862943611198906, 2.1265233750364456, 2.1269280110429727, 1.4271199169741287
        },
        loss.toDoubleArray(),
        1e-15);
    loss.sum().backward();
    // d/dx = pw·y·(σ(x) - 1) + (1 - y)·σ(x)
    assertArrayEquals(
        new double[] {-1.0, -0.9621171572600098, 0.8807970779778823, 0.4763617142904655},
        logits.grad().toDoubleArray(),
        1e-15);
  }

  @Test
  void bceWithLogitsIsFiniteForHugeLogits() {
    Tensor logits = Tensor.of(new double[] {1e4, -1e4, 1e4, -1e4}).requiresGrad(true);
    Tensor targets = Tensor.of(new double[] {0, 1, 1, 0});
    Tensor loss = F.binaryCrossEntropyWithLogits(logits, targets, null, Reduction.NONE);
    assertArrayEquals(new double[] {1e4, 1e4, 0, 0}, loss.toDoubleArray(), 0);
    loss.sum().backward();
    assertArrayEquals(new double[] {1, -1, 0, 0}, logits.grad().toDoubleArray(), 0);
    Tensor l32 =
        F.binaryCrossEntropyWithLogits(
            logits.detach().to(DType.FLOAT32), targets.to(DType.FLOAT32));
    assertTrue(l32.isFinite());
  }

  @Test
  void bceWithLogitsGradientMatchesFiniteDifferencesForLogitsTargetAndPosWeight() {
    GradCheck.check(
        t -> F.binaryCrossEntropyWithLogits(t[0], t[1], t[2], Reduction.MEAN),
        GradCheck.randn(5, 3, 4),
        GradCheck.randn(6, 3, 4).sigmoid(),
        GradCheck.randn(7, 4).abs());
    GradCheck.check(
        t -> F.binaryCrossEntropyWithLogits(t[0], t[1], null, Reduction.NONE),
        GradCheck.randn(8, 5).mul(3.0),
        GradCheck.randn(9, 5).sigmoid());
  }

  @Test
  void bceWithLogitsFloat32GradientsMatchFloat64() {
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.binaryCrossEntropyWithLogits(t[0], t[1], t[2], Reduction.NONE),
        1e-5,
        GradCheck.randn(12, 4, 3).mul(4.0),
        GradCheck.randn(13, 4, 3).sigmoid(),
        Tensor.of(new double[] {0.5, 1, 2}));
  }

  @Test
  void bceWithLogitsErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    assertTrue(
        e.getMessage().contains("binaryCrossEntropyWithLogits")
            && e.getMessage().contains("[2, 3]")
            && e.getMessage().contains("[3, 2]"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                F.binaryCrossEntropyWithLogits(
                    Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.ones(2), Reduction.MEAN));
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                F.binaryCrossEntropyWithLogits(
                    Tensor.zeros(3), Tensor.zeros(3), Tensor.ones(2, 3), Reduction.MEAN));
    assertTrue(
        e.getMessage().contains("posWeight") && e.getMessage().contains("[2, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(DType.INT32, 2), Tensor.zeros(2)));
    assertTrue(e.getMessage().contains("INT32"), e.getMessage());
  }
}
