package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.residual.nn.functional.F;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void mlpBackwardRuns() {
    Generator g = new Generator(0);
    Tensor x = Tensor.randn(g, 4, 3);
    Tensor w = Tensor.randn(g, 3, 2).requiresGrad(true);
    Tensor b = Tensor.zeros(2).requiresGrad(true);
    Tensor y = x.matmul(w).add(b).relu().sum();
    y.backward();
    assertArrayEquals(new long[] {3, 2}, w.grad().shape());
    assertArrayEquals(new long[] {2}, b.grad().shape());
  }

  @Test
  void referenceValues() {
    Tensor x = Tensor.of(new double[] {-2, -0.5, 0, 1, 3});
    assertArrayEquals(
        new double[] {
          -0.04540230591222494, -0.15428599017485606, 0.0, 0.8411919906082768, 2.996362607918227
        },
        x.geluTanh().toDoubleArray(),
        1e-15);
    assertArrayEquals(
        new double[] {
          -0.04550026389635842, -0.15426876936299344, 0.0, 0.841344746068543, 2.99595030590511
        },
        x.gelu().toDoubleArray(),
        1e-15);
    Tensor logits =
        Tensor.of(new double[] {2.0, 1.0, 0.1, 0.5, 2.5, -1.0}, 2, 3).requiresGrad(true);
    Tensor loss = F.crossEntropy(logits, Tensor.of(new long[] {0, 2}));
    assertEquals(2.035104111700061, loss.item(), 1e-15);
    loss.backward();
    assertArrayEquals(
        new double[] {
          -0.17049943055701605, 0.12121648535235695, 0.0492829452046591,
          0.058057267337070576, 0.4289884053042286, -0.4870456726412992
        },
        logits.grad().toDoubleArray(),
        1e-15);
    Tensor ln =
        F.layerNorm(
            Tensor.of(new double[] {1, 2, 4, 7, 3, 3, 3, 3}, 2, 4),
            new long[] {4},
            null,
            null,
            1e-5);
    assertArrayEquals(
        new double[] {
          -1.0910884120486357,
          -0.6546530472291815,
          0.21821768240972705,
          1.5275237768680898,
          0,
          0,
          0,
          0
        },
        ln.toDoubleArray(),
        1e-12);
  }

  @Test
  void mixedTypeGradientsComeBackInEachInputsOwnType() {
    Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {3, 4}).requiresGrad(true);
    Tensor y = a.mul(b).sum();
    assertEquals(DType.FLOAT64, y.dtype());
    y.backward();
    assertEquals(DType.FLOAT32, a.grad().dtype());
    assertEquals(DType.FLOAT64, b.grad().dtype());
    assertArrayEquals(new double[] {3, 4}, a.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2}, b.grad().toDoubleArray(), 0);
  }
}
