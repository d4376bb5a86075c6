package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.residual.nn.functional.F;
import org.junit.jupiter.api.Test;

/**
 * Forward values (and the cross-entropy gradient) against references computed with PyTorch 1.13 in
 * float64 (issue 2, section 3), or derived by hand. FLOAT64 must match to ~1e-12; FLOAT32 to ~1e-6.
 */
class ReferenceValuesTest {
  private static final double[] X = {-2, -0.5, 0, 1, 3};

  private static final double[] GELU_TANH = {
    -0.04540230591222494, -0.15428599017485606, 0.0, 0.8411919906082768, 2.996362607918227
  };

  private static final double[] GELU = {
    -0.04550026389635842, -0.15426876936299344, 0.0, 0.841344746068543, 2.99595030590511
  };

  private static final double[] LOGITS = {2.0, 1.0, 0.1, 0.5, 2.5, -1.0};
  private static final long[] TARGETS = {0, 2};
  private static final double CE_LOSS = 2.035104111700061;
  private static final double[] CE_GRAD = {
    -0.17049943055701605, 0.12121648535235695, 0.0492829452046591,
    0.058057267337070576, 0.4289884053042286, -0.4870456726412992
  };

  private static final double[] LN_IN = {1, 2, 4, 7, 3, 3, 3, 3};
  private static final double[] LN_OUT = {
    -1.0910884120486357, -0.6546530472291815, 0.21821768240972705, 1.5275237768680898, 0, 0, 0, 0
  };

  private static Tensor f32(double[] v, long... shape) {
    float[] f = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      f[k] = (float) v[k];
    }
    return Tensor.of(f, shape.length == 0 ? new long[] {v.length} : shape);
  }

  @Test
  void geluTanhMatchesPyTorchInFloat64() {
    Tensor y = Tensor.of(X).geluTanh();
    assertEquals(DType.FLOAT64, y.dtype());
    assertArrayEquals(GELU_TANH, y.toDoubleArray(), 1e-12);
  }

  @Test
  void geluTanhMatchesPyTorchInFloat32() {
    Tensor y = f32(X).geluTanh();
    assertEquals(DType.FLOAT32, y.dtype());
    assertArrayEquals(GELU_TANH, y.toDoubleArray(), 1e-6);
  }

  @Test
  void geluMatchesPyTorchInFloat64() {
    assertArrayEquals(GELU, Tensor.of(X).gelu().toDoubleArray(), 1e-12);
  }

  @Test
  void geluMatchesPyTorchInFloat32() {
    assertArrayEquals(GELU, f32(X).gelu().toDoubleArray(), 1e-6);
  }

  @Test
  void functionalGeluAndGeluTanhAgreeWithTensorMethods() {
    Tensor x = Tensor.of(X);
    assertArrayEquals(GELU, F.gelu(x).toDoubleArray(), 1e-12);
    assertArrayEquals(GELU_TANH, F.geluTanh(x).toDoubleArray(), 1e-12);
  }

  @Test
  void crossEntropyValueAndGradientMatchPyTorchInFloat64() {
    Tensor logits = Tensor.of(LOGITS, 2, 3).requiresGrad(true);
    Tensor loss = F.crossEntropy(logits, Tensor.of(TARGETS));
    assertEquals(0, loss.dim());
    assertEquals(DType.FLOAT64, loss.dtype());
    assertEquals(CE_LOSS, loss.item(), 1e-12);
    loss.backward();
    assertArrayEquals(CE_GRAD, logits.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void crossEntropyValueAndGradientMatchPyTorchInFloat32() {
    Tensor logits = f32(LOGITS, 2, 3).requiresGrad(true);
    Tensor loss = F.crossEntropy(logits, Tensor.of(TARGETS));
    assertEquals(DType.FLOAT32, loss.dtype());
    assertEquals(CE_LOSS, loss.item(), 1e-6);
    loss.backward();
    assertEquals(DType.FLOAT32, logits.grad().dtype());
    assertArrayEquals(CE_GRAD, logits.grad().toDoubleArray(), 1e-6);
  }

  @Test
  void crossEntropyWithInt32TargetsMatchesInt64() {
    Tensor logits = Tensor.of(LOGITS, 2, 3);
    Tensor loss = F.crossEntropy(logits, Tensor.of(new int[] {0, 2}));
    assertEquals(CE_LOSS, loss.item(), 1e-12);
  }

  @Test
  void crossEntropyEqualsNllLossOfLogSoftmax() {
    Tensor logits = Tensor.of(LOGITS, 2, 3);
    Tensor nll = F.nllLoss(F.logSoftmax(logits, -1), Tensor.of(TARGETS));
    assertEquals(CE_LOSS, nll.item(), 1e-12);
  }

  @Test
  void layerNormMatchesPyTorchInFloat64() {
    Tensor y = F.layerNorm(Tensor.of(LN_IN, 2, 4), new long[] {4}, null, null, 1e-5);
    assertArrayEquals(new long[] {2, 4}, y.shape());
    assertArrayEquals(LN_OUT, y.toDoubleArray(), 1e-12);
  }

  @Test
  void layerNormMatchesPyTorchInFloat32() {
    Tensor y = F.layerNorm(f32(LN_IN, 2, 4), new long[] {4}, null, null, 1e-5);
    assertEquals(DType.FLOAT32, y.dtype());
    assertArrayEquals(LN_OUT, y.toDoubleArray(), 1e-6);
  }

  @Test
  void layerNormAppliesWeightAndBiasAfterNormalising() {
    Tensor w = Tensor.of(new double[] {2, 2, 2, 2});
    Tensor b = Tensor.of(new double[] {1, 1, 1, 1});
    Tensor y = F.layerNorm(Tensor.of(LN_IN, 2, 4), new long[] {4}, w, b, 1e-5);
    double[] expected = new double[LN_OUT.length];
    for (int k = 0; k < expected.length; k++) {
      expected[k] = 2 * LN_OUT[k] + 1;
    }
    assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
  }

  @Test
  void softmaxAndLogSoftmaxOfOneTwoThree() {
    // softmax([1, 2, 3]) = e^k / (e + e^2 + e^3); log-sum-exp = 3.4076059644443806.
    Tensor x = Tensor.of(new double[] {1, 2, 3});
    assertArrayEquals(
        new double[] {0.09003057317038046, 0.24472847105479764, 0.6652409557748219},
        F.softmax(x, 0).toDoubleArray(),
        1e-12);
    assertArrayEquals(
        new double[] {-2.4076059644443806, -1.4076059644443806, -0.4076059644443806},
        F.logSoftmax(x, -1).toDoubleArray(),
        1e-12);
  }

  @Test
  void logSumExpOfOneTwoThree() {
    Tensor x = Tensor.of(new double[] {1, 2, 3});
    assertEquals(3.4076059644443806, x.logSumExp(0, false).item(), 1e-12);
  }

  @Test
  void elementaryActivationsAtKnownPoints() {
    Tensor zero = Tensor.of(new double[] {0.0});
    Tensor one = Tensor.of(new double[] {1.0});
    assertEquals(0.5, zero.sigmoid().item(), 1e-15);
    assertEquals(Math.log(2), zero.softplus().item(), 1e-15);
    assertEquals(0.7310585786300049, one.sigmoid().item(), 1e-15);
    assertEquals(0.7310585786300049, one.silu().item(), 1e-15);
    assertEquals(0.7615941559557649, one.tanh().item(), 1e-15);
    assertEquals(1.3132616875182228, one.softplus().item(), 1e-15);
    assertEquals(25.0, Tensor.of(new double[] {25.0}).softplus().item(), 1e-12);
  }
}
