package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
  private static FrechetDistance.Stats stats(double[] mean, double[][] cov) {
    return new FrechetDistance.Stats(mean, cov, 100);
  }

  @Test
  void statsAreMeanAndUnbiasedCovariance() {
    Tensor f = Tensor.of(new double[] {1, 2, 3, 4, 5, 9}, 3, 2);
    FrechetDistance.Stats s = FrechetDistance.stats(f);
    assertEquals(3, s.n());
    assertEquals(2, s.dim());
    assertArrayEquals(new double[] {3, 5}, s.mean(), 1e-12);
    // x: 1, 3, 5 -> var 4; y: 2, 4, 9 -> var 13; cov ((-2)(-3) + 0 + 2·4) / 2 = 7
    assertArrayEquals(new double[] {4, 7}, s.cov()[0], 1e-12);
    assertArrayEquals(new double[] {7, 13}, s.cov()[1], 1e-12);
  }

  @Test
  void identicalStatsGiveZero() {
    Tensor f = Tensor.randn(new Generator(1), 200, 6).to(DType.FLOAT64);
    FrechetDistance.Stats s = FrechetDistance.stats(f);
    assertEquals(0.0, FrechetDistance.distance(s, s), 1e-9);
    assertEquals(0.0, FrechetDistance.distance(f, f), 1e-9);
  }

  @Test
  void oneDimensionalClosedForm() {
    // (0, 4) vs (3, 1): 9 + 4 + 1 − 2·√4 = 10
    double d =
        FrechetDistance.distance(
            stats(new double[] {0}, new double[][] {{4}}),
            stats(new double[] {3}, new double[][] {{1}}));
    assertEquals(10.0, d, 1e-9);
  }

  @Test
  void diagonalCovariancesMatchClosedForm() {
    double[] sa = {1.0, 4.0, 0.25, 9.0};
    double[] sb = {2.0, 1.0, 0.25, 0.0};
    double[] ma = {0.5, -1.0, 2.0, 0.0};
    double[] mb = {0.0, 1.0, 2.0, 3.0};
    double expected = 0;
    double[][] ca = new double[4][4];
    double[][] cb = new double[4][4];
    for (int i = 0; i < 4; i++) {
      ca[i][i] = sa[i];
      cb[i][i] = sb[i];
      expected += sa[i] + sb[i] - 2 * Math.sqrt(sa[i] * sb[i]) + (ma[i] - mb[i]) * (ma[i] - mb[i]);
    }
    assertEquals(expected, FrechetDistance.distance(stats(ma, ca), stats(mb, cb)), 1e-9);
  }

  @Test
  void nonCommutingTwoByTwoMatchesTraceFormula() {
    // For 2x2 PSD M, tr √M = √(tr M + 2√det M); with M = A^½ B A^½, tr M = tr(AB) = 8 and
    // det M = det A · det B = 9, so the distance is 4 + 4 − 2√14.
    double[][] a = {{2, 1}, {1, 2}};
    double[][] b = {{1, 0}, {0, 3}};
    double d = FrechetDistance.distance(stats(new double[2], a), stats(new double[2], b));
    assertEquals(8 - 2 * Math.sqrt(14), d, 1e-9);
  }

  @Test
  void distanceIsSymmetric() {
    Generator g = new Generator(7);
    Tensor x = Tensor.randn(g, 300, 5).to(DType.FLOAT64);
    Tensor y = Tensor.randn(g, 300, 5).mul(1.7).add(0.3).to(DType.FLOAT64);
    // A correlated second set, so that the covariances do not commute.
    Tensor z = x.add(y.mul(0.5));
    double ab = FrechetDistance.distance(x, z);
    double ba = FrechetDistance.distance(z, x);
    assertEquals(ab, ba, 1e-9);
    assertTrue(ab > 0);
  }

  @Test
  void distanceIsInvariantToRotatingBothSets() {
    double[][] la = {{1.0, 0.0, 0.0}, {0.4, 0.8, 0.0}, {-0.3, 0.2, 1.5}};
    double[][] lb = {{0.6, 0.0, 0.0}, {0.9, 1.1, 0.0}, {0.1, -0.7, 0.4}};
    double[][] ca = multiply(la, transpose(la));
    double[][] cb = multiply(lb, transpose(lb));
    double[] ma = {1.0, -2.0, 0.5};
    double[] mb = {0.0, 0.3, 0.9};
    double before = FrechetDistance.distance(stats(ma, ca), stats(mb, cb));
    // A rotation: product of rotations about z and x.
    double c1 = Math.cos(0.7);
    double s1 = Math.sin(0.7);
    double c2 = Math.cos(-1.1);
    double s2 = Math.sin(-1.1);
    double[][] rz = {{c1, -s1, 0}, {s1, c1, 0}, {0, 0, 1}};
    double[][] rx = {{1, 0, 0}, {0, c2, -s2}, {0, s2, c2}};
    double[][] r = multiply(rz, rx);
    double after =
        FrechetDistance.distance(
            stats(apply(r, ma), multiply(multiply(r, ca), transpose(r))),
            stats(apply(r, mb), multiply(multiply(r, cb), transpose(r))));
    assertEquals(before, after, 1e-9);
    assertTrue(before > 0);
  }

  @Test
  void mismatchedFeatureDimensionsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FrechetDistance.distance(
                    stats(new double[2], new double[][] {{1, 0}, {0, 1}}),
                    stats(new double[3], new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})));
    assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
  }

  @Test
  void fewerThanTwoSamplesAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FrechetDistance.stats(Tensor.zeros(1, 4)));
    assertTrue(e.getMessage().contains("[1, 4]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FrechetDistance.stats(Tensor.zeros(8)));
  }

  private static double[][] transpose(double[][] m) {
    double[][] t = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  private static double[] apply(double[][] r, double[] v) {
    double[] out = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      for (int k = 0; k < v.length; k++) {
        out[i] += r[i][k] * v[k];
      }
    }
    return out;
  }
}
