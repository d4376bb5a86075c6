package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormsTest {

  /** Group norm by its definition, in double. */
  private static double[] reference(
      Tensor x, int groups, double[] weight, double[] bias, double eps) {
    long[] s = x.shape();
    int n = (int) s[0];
    int c = (int) s[1];
    int spatial = (int) (x.numel() / (n * c));
    double[] v = x.toDoubleArray();
    double[] out = new double[v.length];
    int len = c / groups * spatial;
    for (int blk = 0; blk < n * groups; blk++) {
      double mean = 0;
      for (int k = 0; k < len; k++) {
        mean += v[blk * len + k];
      }
      mean /= len;
      double var = 0;
      for (int k = 0; k < len; k++) {
        double d = v[blk * len + k] - mean;
        var += d * d;
      }
      var /= len;
      for (int k = 0; k < len; k++) {
        int idx = blk * len + k;
        int ch = (idx / spatial) % c;
        double y = (v[idx] - mean) / Math.sqrt(var + eps);
        out[idx] = y * (weight == null ? 1 : weight[ch]) + (bias == null ? 0 : bias[ch]);
      }
    }
    return out;
  }

  @Test
  void groupNormOfKnownValues() {
    // one sample, 4 channels of 2, two groups: {1, 2, 3, 4} and {10, 10, 10, 14}
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 10, 10, 14}, 1, 4, 2);
    Tensor y = F.groupNorm(x, 2, null, null, 0.0);
    double a = 1.3416407864998738; // 1.5 / sqrt(1.25)
    double b = 0.4472135954999579; // 0.5 / sqrt(1.25)
    double c = 0.5773502691896258; // 1 / sqrt(3)
    assertArrayEquals(new double[] {-a, -b, b, a, -c, -c, -c, 3 * c}, y.toDoubleArray(), 1e-15);
  }

  @Test
  void groupNormMatchesTheDefinitionWithAffineParameters() {
    Tensor x = GradCheck.randn(1, 3, 6, 2, 3);
    double[] w = GradCheck.randn(2, 6).toDoubleArray();
    double[] b = GradCheck.randn(3, 6).toDoubleArray();
    for (int groups : new int[] {1, 2, 3, 6}) {
      Tensor y = F.groupNorm(x, groups, Tensor.of(w), Tensor.of(b), 1e-5);
      assertArrayEquals(reference(x, groups, w, b, 1e-5), y.toDoubleArray(), 1e-12);
      Tensor y32 =
          F.groupNorm(
              x.to(DType.FLOAT32),
              groups,
              Tensor.of(w).to(DType.FLOAT32),
              Tensor.of(b).to(DType.FLOAT32),
              1e-5);
      assertArrayEquals(reference(x, groups, w, b, 1e-5), y32.toDoubleArray(), 1e-5);
    }
  }

  @Test
  void groupNormWithOneGroupEqualsLayerNormOverChannelsAndSpace() {
    Tensor x = GradCheck.randn(4, 2, 3, 5);
    assertArrayEquals(
        F.layerNorm(x, new long[] {3, 5}, null, null, 1e-5).toDoubleArray(),
        F.groupNorm(x, 1, null, null, 1e-5).toDoubleArray(),
        1e-12);
  }

  @Test
  void groupNormOfAConstantInputIsFinite() {
    Tensor x = Tensor.full(3.0, DType.FLOAT64, 2, 4, 3).requiresGrad(true);
    Tensor w = Tensor.ones(DType.FLOAT64, 4).requiresGrad(true);
    Tensor y = F.groupNorm(x, 2, w, null, 1e-5);
    assertArrayEquals(new double[24], y.toDoubleArray(), 0);
    y.mul(GradCheck.randn(5, 2, 4, 3)).sum().backward();
    assertTrue(x.grad().isFinite());
    assertTrue(w.grad().isFinite());
    Tensor x32 = Tensor.full(-7.0, DType.FLOAT32, 1, 2, 8).requiresGrad(true);
    F.groupNorm(x32, 1, null, null, 1e-5).sum().backward();
    assertTrue(x32.grad().isFinite());
  }

  @Test
  void groupNormGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.groupNorm(t[0], 2, t[1], t[2], 1e-5),
        GradCheck.randn(6, 2, 4, 3, 2),
        GradCheck.randn(7, 4),
        GradCheck.randn(8, 4));
    GradCheck.check(t -> F.groupNorm(t[0], 3, null, null, 1e-3), GradCheck.randn(9, 2, 6, 4));
  }

  @Test
  void groupNormFloat32GradientsMatchFloat64() {
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.groupNorm(t[0], 3, t[1], t[2], 1e-5),
        1e-4,
        GradCheck.randn(10, 2, 6, 5),
        GradCheck.randn(11, 6),
        GradCheck.randn(12, 6));
  }

  @Test
  void groupNormFloat32MatchesFloat64AtImageSizes() {
    // U-Net-sized blocks: 28x28 and 7x7 planes, whose lengths are not multiples of the SIMD width
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.groupNorm(t[0], 8, t[1], t[2], 1e-5),
        1e-4,
        GradCheck.randn(13, 3, 16, 28, 28),
        GradCheck.randn(14, 16),
        GradCheck.randn(15, 16));
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.groupNorm(t[0], 4, null, null, 1e-5).mul(t[1]),
        1e-4,
        GradCheck.randn(16, 2, 32, 7, 7).mul(3).add(5),
        GradCheck.randn(17, 2, 32, 7, 7));
  }

  @Test
  void groupNormErrorsNameTheShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.groupNorm(Tensor.zeros(2, 6, 4), 4, null, null, 1e-5));
    assertTrue(
        e.getMessage().contains("groupNorm")
            && e.getMessage().contains("[2, 6, 4]")
            && e.getMessage().contains("4 groups"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.groupNorm(Tensor.zeros(2, 6, 4), 2, Tensor.ones(4), null, 1e-5));
    assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[6]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.groupNorm(Tensor.zeros(6), 2, null, null, 1e-5));
    assertTrue(e.getMessage().contains("[6]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.groupNorm(Tensor.zeros(2, 6, 4), 0, null, null, 1e-5));
    assertTrue(e.getMessage().contains("0 groups"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> F.groupNorm(Tensor.zeros(DType.INT64, 2, 6), 2, null, null, 1e-5));
  }
}
