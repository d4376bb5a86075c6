package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.Threads;
import org.junit.jupiter.api.Test;

class ConvPoolTest {

  // ---------------------------------------------------------------- references

  /** Direct-loop convolution in double: the definition, with no unrolling. */
  private static Tensor naiveConv2d(
      Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
    long[] xs = x.shape();
    long[] ws = w.shape();
    int n = (int) xs[0];
    int cin = (int) xs[1];
    int h = (int) xs[2];
    int wd = (int) xs[3];
    int cout = (int) ws[0];
    int cig = cin / groups;
    int cog = cout / groups;
    int kh = (int) ws[2];
    int kw = (int) ws[3];
    int oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0] + 1;
    int ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
    double[] out = new double[n * cout * oh * ow];
    for (int i = 0; i < n; i++) {
      for (int co = 0; co < cout; co++) {
        int g = co / cog;
        for (int r = 0; r < oh; r++) {
          for (int c = 0; c < ow; c++) {
            double acc = b == null ? 0 : b.get(co);
            for (int ci = 0; ci < cig; ci++) {
              for (int a = 0; a < kh; a++) {
                for (int e = 0; e < kw; e++) {
                  int ih = r * s[0] - p[0] + a * d[0];
                  int iw = c * s[1] - p[1] + e * d[1];
                  if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                    acc += x.get(i, g * cig + ci, ih, iw) * w.get(co, ci, a, e);
                  }
                }
              }
            }
            out[((i * cout + co) * oh + r) * ow + c] = acc;
          }
        }
      }
    }
    return Tensor.of(out, n, cout, oh, ow);
  }

  private static int[] pair(int a, int b) {
    return new int[] {a, b};
  }

  private static double dot(Tensor a, Tensor b) {
    double[] x = a.toDoubleArray();
    double[] y = b.toDoubleArray();
    assertEquals(x.length, y.length);
    double s = 0;
    for (int k = 0; k < x.length; k++) {
      s += x[k] * y[k];
    }
    return s;
  }

  private static void assertThrowsWith(String[] parts, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' lacks " + part);
    }
  }

  /** A call expected to fail. */
  @FunctionalInterface
  interface Executable {
    void run();
  }

  // ---------------------------------------------------------------- conv2d forward

  @Test
  void conv2dOfKnownValues() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor w = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2);
    Tensor y = F.conv2d(x, w, Tensor.of(new double[] {0.5}), 1, 0);
    assertArrayEquals(new long[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new double[] {12.5, 16.5, 24.5, 28.5}, y.toDoubleArray(), 0);
  }

  @Test
  void conv2dMatchesDirectLoopsAcrossStridePaddingDilationAndGroups() {
    // {N, C_in, H, W, C_out, kH, kW, sH, sW, pH, pW, dH, dW, groups, bias}
    int[][] configs = {
      {2, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 2, 7, 8, 3, 2, 3, 2, 1, 0, 2, 1, 2, 1, 0},
      {2, 4, 6, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2, 1},
      {1, 3, 5, 5, 3, 3, 3, 1, 1, 2, 2, 2, 2, 3, 1},
      {2, 4, 3, 4, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2, 1},
      {1, 3, 5, 5, 2, 1, 1, 2, 2, 0, 0, 1, 1, 1, 0},
      {1, 2, 4, 4, 2, 4, 4, 1, 1, 0, 0, 1, 1, 1, 1},
    };
    int seed = 1;
    for (int[] c : configs) {
      Tensor x = GradCheck.randn(seed++, c[0], c[1], c[2], c[3]);
      Tensor w = GradCheck.randn(seed++, c[4], c[1] / c[13], c[5], c[6]);
      Tensor b = c[14] == 1 ? GradCheck.randn(seed++, c[4]) : null;
      int[] s = pair(c[7], c[8]);
      int[] p = pair(c[9], c[10]);
      int[] d = pair(c[11], c[12]);
      Tensor expected = naiveConv2d(x, w, b, s, p, d, c[13]);
      Tensor y = F.conv2d(x, w, b, s, p, d, c[13]);
      assertArrayEquals(expected.shape(), y.shape());
      assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12);
      Tensor y32 =
          F.conv2d(
              x.to(DType.FLOAT32),
              w.to(DType.FLOAT32),
              b == null ? null : b.to(DType.FLOAT32),
              s,
              p,
              d,
              c[13]);
      assertEquals(DType.FLOAT32, y32.dtype());
      assertArrayEquals(expected.toDoubleArray(), y32.toDoubleArray(), 1e-4);
    }
  }

  @Test
  void conv2dSplitOverThreadsGivesTheSameBitsAsOneThread() {
    int before = Threads.get();
    try {
      for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
        // 5 samples over 3 threads: uneven runs; groups, padding, stride and a 1x1 (no im2col)
        Tensor x = GradCheck.randn(21, 5, 4, 9, 7).to(type);
        Tensor w3 = GradCheck.randn(22, 6, 2, 3, 3).to(type);
        Tensor w1 = GradCheck.randn(23, 6, 4, 1, 1).to(type);
        Tensor b = GradCheck.randn(24, 6).to(type);
        Threads.set(1);
        float[] a3 =
            F.conv2d(x, w3, b, new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2)
                .toFloatArray();
        double[] a1 = F.conv2d(x, w1, null, 1, 0).toDoubleArray();
        Threads.set(3);
        assertArrayEquals(
            a3,
            F.conv2d(x, w3, b, new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2)
                .toFloatArray(),
            0f);
        assertArrayEquals(a1, F.conv2d(x, w1, null, 1, 0).toDoubleArray(), 0.0);
      }
    } finally {
      Threads.set(before);
    }
  }

  @Test
  void conv2dBackwardSplitOverThreadsGivesTheSameBitsAsOneThread() {
    int before = Threads.get();
    try {
      // 19 samples: three chunks of weight-gradient partial sums, the last one short
      Tensor x = GradCheck.randn(31, 19, 4, 6, 5);
      Tensor w = GradCheck.randn(32, 6, 2, 3, 3);
      Tensor r = GradCheck.randn(33, 19, 6, 6, 5);
      double[][] ref = grads(x, w, r, DType.FLOAT64);
      Threads.set(1);
      double[][] one = grads(x, w, r, DType.FLOAT32);
      Threads.set(3);
      double[][] three = grads(x, w, r, DType.FLOAT32);
      for (int k = 0; k < 2; k++) {
        assertArrayEquals(one[k], three[k], 0.0);
        assertArrayEquals(ref[k], one[k], 1e-3);
      }
    } finally {
      Threads.set(before);
    }
  }

  /** Gradients of {@code sum(conv2d(x, w) · r)} with respect to x and w, in {@code type}. */
  private static double[][] grads(Tensor x, Tensor w, Tensor r, DType type) {
    Tensor xi = x.to(type).detach().requiresGrad(true);
    Tensor wi = w.to(type).detach().requiresGrad(true);
    F.conv2d(xi, wi, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2)
        .mul(r.to(type))
        .sum()
        .backward();
    return new double[][] {xi.grad().toDoubleArray(), wi.grad().toDoubleArray()};
  }

  @Test
  void conv2dGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.conv2d(t[0], t[1], t[2], pair(2, 1), pair(1, 2), pair(1, 2), 2),
        GradCheck.randn(10, 2, 4, 5, 6),
        GradCheck.randn(11, 4, 2, 3, 2),
        GradCheck.randn(12, 4));
  }

  @Test
  void conv2dPointwiseKernelGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.conv2d(t[0], t[1], null, pair(1, 1), pair(0, 0), pair(1, 1), 1),
        GradCheck.randn(13, 2, 3, 2, 3),
        GradCheck.randn(14, 4, 3, 1, 1));
  }

  // ---------------------------------------------------------------- convTranspose2d

  @Test
  void convTranspose2dOfKnownValues() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Tensor w = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2);
    int[] zero = pair(0, 0);
    Tensor y1 = F.convTranspose2d(x, w, null, pair(1, 1), zero, zero, 1, pair(1, 1));
    assertArrayEquals(new long[] {1, 1, 3, 3}, y1.shape());
    assertArrayEquals(new double[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, y1.toDoubleArray(), 0);
    Tensor y2 =
        F.convTranspose2d(x, w, Tensor.of(new double[] {1}), pair(2, 2), zero, zero, 1, pair(1, 1));
    assertArrayEquals(
        new double[] {2, 2, 3, 3, 2, 2, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5}, y2.toDoubleArray(), 0);
  }

  @Test
  void convTranspose2dOutputSizeFollowsPyTorch() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 4, 3, 5);
    Tensor w = Tensor.zeros(DType.FLOAT64, 4, 3, 3, 2);
    // H: (3-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 6; W: (5-1)*3 - 0 + 2*(2-1) + 0 + 1 = 15
    Tensor y = F.convTranspose2d(x, w, null, pair(2, 3), pair(1, 0), pair(1, 0), 2, pair(1, 2));
    assertArrayEquals(new long[] {2, 6, 6, 15}, y.shape());
  }

  @Test
  void convTranspose2dIsTheAdjointOfConv2d() {
    // {N, C_in, H, W, C_out/groups, kH, kW, sH, sW, pH, pW, opH, opW, dH, dW, groups}
    int[][] configs = {
      {2, 3, 4, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},
      {1, 4, 3, 4, 3, 3, 2, 3, 2, 0, 1, 2, 0, 1, 2, 2},
      {2, 2, 3, 3, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},
      {1, 6, 5, 4, 1, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 3},
    };
    int seed = 40;
    for (int[] c : configs) {
      Tensor x = GradCheck.randn(seed++, c[0], c[1], c[2], c[3]);
      Tensor w = GradCheck.randn(seed++, c[1], c[4], c[5], c[6]);
      int[] s = pair(c[7], c[8]);
      int[] p = pair(c[9], c[10]);
      int[] op = pair(c[11], c[12]);
      int[] d = pair(c[13], c[14]);
      int groups = c[15];
      Tensor z = F.convTranspose2d(x, w, null, s, p, op, groups, d);
      Tensor y = GradCheck.randn(seed++, z.shape());
      Tensor cy = F.conv2d(y, w, null, s, p, d, groups);
      assertArrayEquals(x.shape(), cy.shape());
      assertEquals(dot(cy, x), dot(y, z), 1e-10);
      Tensor z32 =
          F.convTranspose2d(x.to(DType.FLOAT32), w.to(DType.FLOAT32), null, s, p, op, groups, d);
      assertArrayEquals(z.toDoubleArray(), z32.toDoubleArray(), 1e-4);
    }
  }

  @Test
  void convTranspose2dGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.convTranspose2d(t[0], t[1], t[2], pair(2, 1), pair(1, 0), pair(1, 0), 2, pair(1, 2)),
        GradCheck.randn(20, 2, 4, 3, 3),
        GradCheck.randn(21, 4, 1, 3, 2),
        GradCheck.randn(22, 2));
  }

  @Test
  void convTranspose2dPointwiseKernelGradientMatchesFiniteDifferences() {
    int[] one = pair(1, 1);
    int[] zero = pair(0, 0);
    GradCheck.check(
        t -> F.convTranspose2d(t[0], t[1], t[2], one, zero, zero, 2, one),
        GradCheck.randn(23, 2, 4, 2, 3),
        GradCheck.randn(24, 4, 3, 1, 1),
        GradCheck.randn(25, 6));
  }

  @Test
  void convFloat32GradientsMatchFloat64() {
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.conv2d(t[0], t[1], t[2], pair(2, 1), pair(1, 2), pair(1, 2), 2),
        1e-4,
        GradCheck.randn(26, 2, 4, 6, 7),
        GradCheck.randn(27, 6, 2, 3, 2),
        GradCheck.randn(28, 6));
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.convTranspose2d(t[0], t[1], t[2], pair(2, 2), pair(1, 0), pair(1, 1), 2, pair(1, 2)),
        1e-4,
        GradCheck.randn(29, 2, 4, 3, 4),
        GradCheck.randn(30, 4, 3, 3, 2),
        GradCheck.randn(31, 6));
  }

  // ---------------------------------------------------------------- conv errors

  @Test
  void conv2dErrorsNameEveryShape() {
    Tensor x = Tensor.zeros(1, 3, 5, 5);
    assertThrowsWith(
        new String[] {"conv2d", "[1, 3, 5, 5]", "[4, 2, 3, 3]", "input channels"},
        () -> F.conv2d(x, Tensor.zeros(4, 2, 3, 3), null, 1, 0));
    assertThrowsWith(
        new String[] {"conv2d", "divisible by groups 2", "[1, 3, 5, 5]"},
        () -> F.conv2d(x, Tensor.zeros(4, 1, 3, 3), null, pair(1, 1), pair(0, 0), pair(1, 1), 2));
    assertThrowsWith(
        new String[] {"conv2d", "bias", "[4]", "[3]"},
        () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3), 1, 0));
    assertThrowsWith(
        new String[] {"conv2d", "larger than the padded input", "[1, 3, 5, 5]", "[4, 3, 7, 7]"},
        () -> F.conv2d(x, Tensor.zeros(4, 3, 7, 7), null, 1, 0));
    assertThrowsWith(
        new String[] {"conv2d", "[3, 5, 5]"},
        () -> F.conv2d(Tensor.zeros(3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, 1, 0));
    assertThrowsWith(
        new String[] {"conv2d", "stride"}, () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, 0, 0));
    assertThrowsWith(
        new String[] {"conv2d", "dilation"},
        () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, pair(1, 1), pair(0, 0), pair(1, 0), 1));
    assertThrowsWith(
        new String[] {"conv2d", "groups"},
        () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, pair(1, 1), pair(0, 0), pair(1, 1), 0));
    assertThrowsWith(
        new String[] {"conv2d", "floating-point", "INT64"},
        () ->
            F.conv2d(Tensor.zeros(DType.INT64, 1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, 1, 0));
  }

  @Test
  void convTranspose2dErrorsNameEveryShape() {
    Tensor x = Tensor.zeros(1, 4, 3, 3);
    int[] one = pair(1, 1);
    int[] zero = pair(0, 0);
    assertThrowsWith(
        new String[] {"convTranspose2d", "output padding", "[2, 2]", "stride [2, 2]"},
        () ->
            F.convTranspose2d(
                x, Tensor.zeros(4, 2, 3, 3), null, pair(2, 2), zero, pair(2, 2), 1, one));
    assertThrowsWith(
        new String[] {"convTranspose2d", "[1, 4, 3, 3]", "[3, 2, 3, 3]"},
        () -> F.convTranspose2d(x, Tensor.zeros(3, 2, 3, 3), null, one, zero, zero, 1, one));
    assertThrowsWith(
        new String[] {"convTranspose2d", "divisible by groups 3", "[1, 4, 3, 3]"},
        () -> F.convTranspose2d(x, Tensor.zeros(4, 2, 3, 3), null, one, zero, zero, 3, one));
    assertThrowsWith(
        new String[] {"convTranspose2d", "bias", "[4]", "[2]"},
        () ->
            F.convTranspose2d(
                x, Tensor.zeros(4, 2, 3, 3), Tensor.zeros(2), one, zero, zero, 2, one));
    assertThrowsWith(
        new String[] {"convTranspose2d", "not positive", "[1, 4, 3, 3]"},
        () -> F.convTranspose2d(x, Tensor.zeros(4, 2, 1, 1), null, one, pair(2, 2), zero, 1, one));
  }

  // ---------------------------------------------------------------- pooling

  @Test
  void maxPool2dOfKnownValuesRoutesGradientToTheMaximum() {
    Tensor x = Tensor.arange(0, 16, 1, DType.FLOAT64).reshape(1, 1, 4, 4).requiresGrad(true);
    Tensor y = F.maxPool2d(x, 2);
    assertArrayEquals(new double[] {5, 7, 13, 15}, y.toDoubleArray(), 0);
    y.sum().backward();
    double[] g = new double[16];
    g[5] = g[7] = g[13] = g[15] = 1;
    assertArrayEquals(g, x.grad().toDoubleArray(), 0);
  }

  @Test
  void maxPool2dPaddingActsAsMinusInfinity() {
    Tensor x = Tensor.arange(1, 10, 1, DType.FLOAT64).neg().reshape(1, 1, 3, 3);
    Tensor y = F.maxPool2d(x, pair(3, 3), pair(1, 1), pair(1, 1));
    assertArrayEquals(new double[] {-1, -1, -2, -1, -1, -2, -4, -4, -5}, y.toDoubleArray(), 0);
  }

  @Test
  void maxPool2dTiesSendTheGradientToTheFirstMaximum() {
    Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2).requiresGrad(true);
    F.maxPool2d(x, 2).sum().backward();
    assertArrayEquals(new double[] {1, 0, 0, 0}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void maxPool2dPropagatesNaN() {
    Tensor x = Tensor.of(new double[] {1, Double.NaN, 3, 2}, 1, 1, 2, 2);
    assertTrue(Double.isNaN(F.maxPool2d(x, 2).item()));
  }

  @Test
  void maxPool2dGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.maxPool2d(t[0], pair(3, 2), pair(2, 1), pair(1, 1)),
        GradCheck.randn(30, 2, 2, 5, 4));
  }

  @Test
  void avgPool2dOfKnownValues() {
    Tensor x = Tensor.arange(0, 16, 1, DType.FLOAT64).reshape(1, 1, 4, 4);
    assertArrayEquals(
        new double[] {2.5, 4.5, 10.5, 12.5}, F.avgPool2d(x, 2).toDoubleArray(), 1e-15);
  }

  @Test
  void avgPool2dCountsPaddedZerosInTheAverage() {
    Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 2, 2);
    Tensor y = F.avgPool2d(x, pair(2, 2), pair(1, 1), pair(1, 1));
    assertArrayEquals(
        new double[] {0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25}, y.toDoubleArray(), 1e-15);
  }

  @Test
  void avgPool2dGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.avgPool2d(t[0], pair(3, 2), pair(2, 1), pair(1, 1)),
        GradCheck.randn(31, 2, 2, 5, 4));
  }

  @Test
  void poolAndInterpolateFloat32GradientsMatchFloat64() {
    Tensor x = GradCheck.randn(34, 2, 3, 7, 6);
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.maxPool2d(t[0], pair(3, 3), pair(2, 2), pair(1, 1)), 1e-5, x);
    GradCheck.checkFloat32MatchesFloat64(
        t -> F.avgPool2d(t[0], pair(3, 2), pair(2, 1), pair(1, 0)), 1e-5, x);
    GradCheck.checkFloat32MatchesFloat64(t -> F.interpolate(t[0], new long[] {9, 4}), 1e-5, x);
  }

  @Test
  void poolFloat32MatchesFloat64() {
    Tensor x = GradCheck.randn(32, 2, 3, 7, 6);
    int[] k = pair(3, 3);
    int[] s = pair(2, 2);
    int[] p = pair(1, 1);
    assertArrayEquals(
        F.maxPool2d(x, k, s, p).toDoubleArray(),
        F.maxPool2d(x.to(DType.FLOAT32), k, s, p).toDoubleArray(),
        1e-6);
    assertArrayEquals(
        F.avgPool2d(x, k, s, p).toDoubleArray(),
        F.avgPool2d(x.to(DType.FLOAT32), k, s, p).toDoubleArray(),
        1e-6);
  }

  @Test
  void poolErrorsNameTheShapes() {
    Tensor x = Tensor.zeros(1, 1, 4, 4);
    assertThrowsWith(
        new String[] {"maxPool2d", "[4, 4]"}, () -> F.maxPool2d(Tensor.zeros(4, 4), 2));
    assertThrowsWith(
        new String[] {"maxPool2d", "padding [2, 2]", "half of the kernel [3, 3]"},
        () -> F.maxPool2d(x, pair(3, 3), pair(1, 1), pair(2, 2)));
    assertThrowsWith(
        new String[] {"avgPool2d", "kernel [5, 5]", "[1, 1, 4, 4]"}, () -> F.avgPool2d(x, 5));
    assertThrowsWith(
        new String[] {"avgPool2d", "stride"},
        () -> F.avgPool2d(x, pair(2, 2), pair(0, 1), pair(0, 0)));
    assertThrowsWith(
        new String[] {"maxPool2d", "floating-point"},
        () -> F.maxPool2d(Tensor.zeros(DType.INT32, 1, 1, 4, 4), 2));
  }

  // ---------------------------------------------------------------- interpolate

  @Test
  void interpolateNearestPicksPyTorchSourceIndices() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
    // rows 2 -> 3: floor(dst * 2/3) = 0, 0, 1; cols 3 -> 5: floor(dst * 0.6) = 0, 0, 1, 1, 2
    Tensor y = F.interpolate(x, new long[] {3, 5});
    assertArrayEquals(
        new double[] {1, 1, 2, 2, 3, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6}, y.toDoubleArray(), 0);
    Tensor down =
        F.interpolate(Tensor.arange(0, 5, 1, DType.FLOAT64).reshape(1, 1, 1, 5), new long[] {1, 2});
    assertArrayEquals(new double[] {0, 2}, down.toDoubleArray(), 0);
    Tensor up = F.interpolate(Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2), 2);
    assertArrayEquals(
        new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, up.toDoubleArray(), 0);
  }

  @Test
  void interpolateNearestComputesTheScaleInFloatAsPyTorch() {
    // 14 -> 20: scale 0.7f = 0.69999999; 10 * 0.7f rounds to 7.0f in float (6.9999999 in double).
    Tensor x = Tensor.arange(0, 14, 1, DType.FLOAT64).reshape(1, 1, 1, 14);
    Tensor y = F.interpolate(x, new long[] {1, 20});
    assertEquals(7.0, y.get(0, 0, 0, 10), 0);
  }

  @Test
  void interpolateGradientAccumulatesOverCopies() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).requiresGrad(true);
    F.interpolate(x, new long[] {3, 5}).sum().backward();
    // rows 2 -> 3 copy row 0 twice; cols 2 -> 5 (scale 0.4): 0, 0, 0, 1, 1
    assertArrayEquals(new double[] {6, 4, 3, 2}, x.grad().toDoubleArray(), 0);
    GradCheck.check(t -> F.interpolate(t[0], new long[] {5, 2}), GradCheck.randn(33, 2, 1, 3, 4));
  }

  @Test
  void interpolateErrorsNameTheShapes() {
    assertThrowsWith(
        new String[] {"interpolate", "[2, 2]"},
        () -> F.interpolate(Tensor.zeros(2, 2), new long[] {4, 4}));
    assertThrowsWith(
        new String[] {"interpolate", "[0, 4]", "[1, 1, 2, 2]"},
        () -> F.interpolate(Tensor.zeros(1, 1, 2, 2), new long[] {0, 4}));
  }
}
