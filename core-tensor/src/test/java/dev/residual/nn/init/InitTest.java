package dev.residual.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.init.Init.FanMode;
import dev.residual.nn.init.Init.Nonlinearity;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / v.length);
  }

  private static void assertWithin(double[] v, double lo, double hi) {
    for (double x : v) {
      assertTrue(x >= lo && x <= hi, x + " outside [" + lo + ", " + hi + "]");
    }
  }

  @Test
  void normalHasRequestedMeanAndStd() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 400, 500);
    assertSame(t, Init.normal_(t, 1.5, 0.3, new Generator(1)));
    double[] v = t.toDoubleArray();
    assertEquals(1.5, mean(v), 0.003);
    assertEquals(0.3, std(v), 0.003);
  }

  @Test
  void uniformStaysInRangeWithUniformMoments() {
    Tensor t = Tensor.zeros(200_000);
    Init.uniform_(t, -2, 4, new Generator(2));
    double[] v = t.toDoubleArray();
    assertWithin(v, -2, 4);
    assertEquals(1, mean(v), 0.02);
    assertEquals(6 / Math.sqrt(12), std(v), 0.02);
  }

  @Test
  void constantFillsWorkOnParametersAndAnyDType() {
    Tensor p = Tensor.zeros(3).requiresGrad(true);
    int version = p.version();
    Init.constant_(p, 0.25);
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, p.toFloatArray());
    assertTrue(p.version() > version);
    Init.ones_(p);
    assertArrayEquals(new float[] {1, 1, 1}, p.toFloatArray());
    Init.zeros_(p);
    assertArrayEquals(new float[] {0, 0, 0}, p.toFloatArray());
    Tensor i = Tensor.zeros(DType.INT64, 2);
    assertArrayEquals(new long[] {1, 1}, Init.ones_(i).toLongArray());
  }

  @Test
  void randomInitRunsOnParametersRequiringGradAndBumpsVersion() {
    Tensor p = Tensor.zeros(4, 4).requiresGrad(true);
    int version = p.version();
    Init.kaimingUniform_(p, 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(0));
    assertTrue(p.version() > version);
    assertTrue(p.requiresGrad());
  }

  @Test
  void sameSeedGivesSameValuesAcrossDTypes() {
    Tensor a = Init.normal_(Tensor.zeros(DType.FLOAT64, 10, 10), 0, 1, new Generator(5));
    Tensor b = Init.normal_(Tensor.zeros(DType.FLOAT64, 10, 10), 0, 1, new Generator(5));
    Tensor c = Init.normal_(Tensor.zeros(DType.FLOAT32, 10, 10), 0, 1, new Generator(5));
    assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
    float[] cf = c.toFloatArray();
    double[] ad = a.toDoubleArray();
    for (int k = 0; k < ad.length; k++) {
      assertEquals((float) ad[k], cf[k]);
    }
    Tensor o1 = Init.orthogonal_(Tensor.zeros(5, 3), 1, new Generator(9));
    Tensor o2 = Init.orthogonal_(Tensor.zeros(5, 3), 1, new Generator(9));
    assertArrayEquals(o1.toFloatArray(), o2.toFloatArray());
  }

  @Test
  void fansFollowPyTorch() {
    Init.Fans f = Init.calculateFans(Tensor.zeros(8, 4, 3, 3));
    assertEquals(36, f.fanIn());
    assertEquals(72, f.fanOut());
    Init.Fans lin = Init.calculateFans(Tensor.zeros(5, 7));
    assertEquals(7, lin.fanIn());
    assertEquals(5, lin.fanOut());
    assertThrows(IllegalArgumentException.class, () -> Init.calculateFans(Tensor.zeros(5)));
  }

  @Test
  void gainsFollowPyTorch() {
    assertEquals(1.0, Init.calculateGain(Nonlinearity.LINEAR), 0);
    assertEquals(1.0, Init.calculateGain(Nonlinearity.CONV2D), 0);
    assertEquals(1.0, Init.calculateGain(Nonlinearity.SIGMOID), 0);
    assertEquals(5.0 / 3.0, Init.calculateGain(Nonlinearity.TANH), 0);
    assertEquals(Math.sqrt(2), Init.calculateGain(Nonlinearity.RELU), 0);
    assertEquals(0.75, Init.calculateGain(Nonlinearity.SELU), 0);
    assertEquals(
        Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain(Nonlinearity.LEAKY_RELU), 1e-15);
    // a = sqrt(5) (Linear's default) gives gain sqrt(1/3).
    assertEquals(
        Math.sqrt(1.0 / 3), Init.calculateGain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
  }

  @Test
  void xavierUniformAndNormalScaleByBothFans() {
    Tensor u = Init.xavierUniform_(Tensor.zeros(DType.FLOAT64, 300, 500), 2.0, new Generator(3));
    double bound = 2.0 * Math.sqrt(6.0 / 800);
    double[] uv = u.toDoubleArray();
    assertWithin(uv, -bound, bound);
    assertEquals(bound / Math.sqrt(3), std(uv), 0.002);
    Tensor n = Init.xavierNormal_(Tensor.zeros(DType.FLOAT64, 300, 500), 1.0, new Generator(3));
    assertEquals(Math.sqrt(2.0 / 800), std(n.toDoubleArray()), 0.0005);
    assertThrows(
        IllegalArgumentException.class,
        () -> Init.xavierUniform_(Tensor.zeros(3), 1, new Generator(0)));
  }

  @Test
  void kaimingUniformAndNormalUseChosenFanAndGain() {
    Tensor w = Tensor.zeros(DType.FLOAT64, 64, 32, 3, 3);
    Init.kaimingUniform_(w, 0, FanMode.FAN_OUT, Nonlinearity.RELU, new Generator(4));
    double bound = Math.sqrt(3) * Math.sqrt(2) / Math.sqrt(64 * 9);
    double[] v = w.toDoubleArray();
    assertWithin(v, -bound, bound);
    assertEquals(bound / Math.sqrt(3), std(v), 0.002);
    Tensor n = Tensor.zeros(DType.FLOAT64, 256, 512);
    Init.kaimingNormal_(n, 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(4));
    assertEquals(Math.sqrt(2.0 / 512), std(n.toDoubleArray()), 0.0005);
    assertEquals(0, mean(n.toDoubleArray()), 0.0005);
    // Zero-element tensors are left alone, as PyTorch.
    Init.kaimingUniform_(
        Tensor.zeros(0, 3),
        Math.sqrt(5),
        FanMode.FAN_IN,
        Nonlinearity.LEAKY_RELU,
        new Generator(0));
  }

  /** Q·Qᵀ or Qᵀ·Q of a row-major matrix must be the identity (scaled by gain²). */
  private static void assertOrthonormal(double[] q, int rows, int cols, double gain) {
    boolean wide = rows < cols;
    int n = wide ? rows : cols;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        int len = wide ? cols : rows;
        for (int k = 0; k < len; k++) {
          dot += wide ? q[i * cols + k] * q[j * cols + k] : q[k * cols + i] * q[k * cols + j];
        }
        assertEquals(i == j ? gain * gain : 0, dot, 1e-6, "entry " + i + "," + j);
      }
    }
  }

  @Test
  void orthogonalIsOrthonormalForTallWideSquareAndConvShapes() {
    Tensor tall = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 60, 25), 1, new Generator(1));
    assertOrthonormal(tall.toDoubleArray(), 60, 25, 1);
    Tensor wide = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 25, 60), 1, new Generator(2));
    assertOrthonormal(wide.toDoubleArray(), 25, 60, 1);
    Tensor square = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 40, 40), 1, new Generator(3));
    assertOrthonormal(square.toDoubleArray(), 40, 40, 1);
    Tensor conv =
        Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 6, 2, 3, 3), Math.sqrt(2), new Generator(4));
    assertOrthonormal(conv.toDoubleArray(), 6, 18, Math.sqrt(2));
  }

  @Test
  void orthogonalEqualsGramSchmidtOfTheSameNormalDraws() {
    // With diag(R) made positive, Q is unique: it must equal classical Gram-Schmidt of the draws.
    int rows = 7;
    int cols = 4;
    Generator g = new Generator(17);
    double[][] colsOf = new double[cols][rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        colsOf[c][r] = g.nextGaussian();
      }
    }
    for (int c = 0; c < cols; c++) {
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int r = 0; r < rows; r++) {
          dot += colsOf[c][r] * colsOf[p][r];
        }
        for (int r = 0; r < rows; r++) {
          colsOf[c][r] -= dot * colsOf[p][r];
        }
      }
      double norm = 0;
      for (int r = 0; r < rows; r++) {
        norm += colsOf[c][r] * colsOf[c][r];
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < rows; r++) {
        colsOf[c][r] /= norm;
      }
    }
    double[] q =
        Init.orthogonal_(Tensor.zeros(DType.FLOAT64, rows, cols), 1, new Generator(17))
            .toDoubleArray();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        assertEquals(colsOf[c][r], q[r * cols + c], 1e-12);
      }
    }
  }

  @Test
  void truncNormalStaysInBoundsWithTruncatedMoments() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 200_000);
    Init.truncNormal_(t, 0, 1, -2, 2, new Generator(6));
    double[] v = t.toDoubleArray();
    assertWithin(v, -2, 2);
    assertEquals(0, mean(v), 0.01);
    // Variance of N(0,1) truncated to [-2, 2]: 1 - 2·2·φ(2) / (Φ(2) - Φ(-2)).
    double phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    double mass = 0.9544997361036416;
    assertEquals(Math.sqrt(1 - 4 * phi2 / mass), std(v), 0.01);
    Tensor s = Tensor.zeros(50_000);
    Init.truncNormal_(s, 0.02, 0.5, 0, 0.1, new Generator(7));
    assertWithin(s.toDoubleArray(), 0, 0.1);
  }

  @Test
  void invalidArgumentsAreRejected() {
    Generator g = new Generator(0);
    assertThrows(
        IllegalArgumentException.class, () -> Init.normal_(Tensor.zeros(DType.INT64, 2), 0, 1, g));
    assertThrows(IllegalArgumentException.class, () -> Init.normal_(Tensor.zeros(2), 0, -1, g));
    assertThrows(IllegalArgumentException.class, () -> Init.uniform_(Tensor.zeros(2), 1, 0, g));
    assertThrows(
        IllegalArgumentException.class, () -> Init.uniform_(Tensor.zeros(DType.INT32, 2), 0, 1, g));
    assertThrows(
        IllegalArgumentException.class, () -> Init.truncNormal_(Tensor.zeros(2), 0, 0, -1, 1, g));
    assertThrows(
        IllegalArgumentException.class, () -> Init.truncNormal_(Tensor.zeros(2), 0, 1, 1, -1, g));
    assertThrows(IllegalArgumentException.class, () -> Init.orthogonal_(Tensor.zeros(3), 1, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> Init.orthogonal_(Tensor.zeros(DType.INT64, 3, 3), 1, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> Init.kaimingNormal_(Tensor.zeros(3), 0, FanMode.FAN_IN, Nonlinearity.RELU, g));
  }

  @Test
  void skipScopeFillsZerosDrawsNothingAndNests() {
    Generator g = new Generator(4);
    long[] before = g.getState();
    Tensor w = Tensor.ones(3, 4);
    try (Init.Skip outer = Init.skip()) {
      try (Init.Skip inner = Init.skip()) {
        Init.normal_(w, 1, 2, g);
      }
      assertTrue(Init.isSkipping(), "the outer scope is still open");
      Init.orthogonal_(Tensor.ones(2, 2), 1, g);
      Init.kaimingUniform_(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, g);
    }
    assertEquals(0.0, w.abs().sum().item());
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, g.getState(), "no draws");
    assertTrue(!Init.isSkipping());
    Init.normal_(w, 1, 2, g);
    assertTrue(w.abs().sum().item() > 0, "random again after the scope");
  }
}
