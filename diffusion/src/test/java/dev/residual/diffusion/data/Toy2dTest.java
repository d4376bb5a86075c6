package dev.residual.diffusion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Toy2dTest {
  @Test
  void everyToyIsFloat32PointsWithInt64LabelsWhereDefined() {
    Tensor roll = Toy2d.swissRoll(10, new Generator(0));
    assertArrayEquals(new long[] {10, 2}, roll.shape());
    assertEquals(DType.FLOAT32, roll.dtype());
    for (Toy2d.Labelled l :
        new Toy2d.Labelled[] {
          Toy2d.twoMoons(11, new Generator(0)), Toy2d.eightGaussians(12, new Generator(0))
        }) {
      long n = l.points().shape()[0];
      assertArrayEquals(new long[] {n, 2}, l.points().shape());
      assertEquals(DType.FLOAT32, l.points().dtype());
      assertArrayEquals(new long[] {n}, l.labels().shape());
      assertEquals(DType.INT64, l.labels().dtype());
    }
  }

  @Test
  void sameSeedGivesSamePointsAndDifferentSeedsDiffer() {
    assertArrayEquals(
        Toy2d.swissRoll(50, new Generator(3)).toFloatArray(),
        Toy2d.swissRoll(50, new Generator(3)).toFloatArray());
    assertArrayEquals(
        Toy2d.twoMoons(50, new Generator(3)).points().toFloatArray(),
        Toy2d.twoMoons(50, new Generator(3)).points().toFloatArray());
    assertArrayEquals(
        Toy2d.eightGaussians(50, new Generator(3)).labels().toLongArray(),
        Toy2d.eightGaussians(50, new Generator(3)).labels().toLongArray());
    assertFalse(
        Arrays.equals(
            Toy2d.swissRoll(50, new Generator(3)).toFloatArray(),
            Toy2d.swissRoll(50, new Generator(4)).toFloatArray()));
  }

  @Test
  void noiselessSwissRollLiesInUnitSquareAtRadiiOneThirdToOne() {
    float[] p = Toy2d.swissRoll(2000, 0.0, new Generator(1)).toFloatArray();
    double minR = Double.POSITIVE_INFINITY;
    double maxR = 0;
    for (int i = 0; i < 2000; i++) {
      assertTrue(Math.abs(p[2 * i]) <= 1 && Math.abs(p[2 * i + 1]) <= 1);
      double r = Math.hypot(p[2 * i], p[2 * i + 1]);
      // Radius is τ / 4.5π and the angle is τ itself, so the point is (r cos 4.5πr, r sin 4.5πr).
      double tau = 4.5 * Math.PI * r;
      assertEquals(r * Math.cos(tau), p[2 * i], 1e-5);
      assertEquals(r * Math.sin(tau), p[2 * i + 1], 1e-5);
      minR = Math.min(minR, r);
      maxR = Math.max(maxR, r);
    }
    assertTrue(minR >= 1.0 / 3 - 1e-6 && minR < 0.34, "min radius " + minR);
    assertTrue(maxR <= 1 + 1e-6 && maxR > 0.99, "max radius " + maxR);
  }

  @Test
  void noiselessMoonsLieOnTheirUnitCirclesAndTheMixtureIsCentred() {
    Toy2d.Labelled moons = Toy2d.twoMoons(4001, 0.0, new Generator(2));
    float[] p = moons.points().toFloatArray();
    long[] y = moons.labels().toLongArray();
    double mx = 0;
    double my = 0;
    int ones = 0;
    for (int i = 0; i < y.length; i++) {
      double x = p[2 * i] * 1.5 + 0.5;
      double v = p[2 * i + 1] * 1.5 + 0.25;
      double cx = y[i] == 0 ? 0 : 1;
      double cy = y[i] == 0 ? 0 : 0.5;
      assertEquals(1.0, Math.hypot(x - cx, v - cy), 1e-5);
      assertTrue(y[i] == 0 ? v >= -1e-6 : v <= 0.5 + 1e-6, "wrong half circle");
      mx += p[2 * i];
      my += p[2 * i + 1];
      ones += (int) y[i];
    }
    assertEquals(2000, ones);
    // Mean of each coordinate is 0; its sampling std is below 0.5 / sqrt(4001) ≈ 0.008.
    assertEquals(0, mx / y.length, 0.03);
    assertEquals(0, my / y.length, 0.03);
  }

  @Test
  void eightGaussiansModesHaveTheirCentreStdAndFairShare() {
    int n = 8000;
    Toy2d.Labelled g = Toy2d.eightGaussians(n, new Generator(5));
    float[] p = g.points().toFloatArray();
    long[] y = g.labels().toLongArray();
    double[][] centres = Toy2d.eightGaussianCentres(Toy2d.EIGHT_GAUSSIANS_RADIUS);
    assertEquals(0.8, centres[0][0], 1e-15);
    assertEquals(0.8, centres[2][1], 1e-15);
    assertEquals(0.8 / Math.sqrt(2), centres[1][0], 1e-15);
    int[] count = new int[8];
    double[] sx = new double[8];
    double[] sy = new double[8];
    double[] ss = new double[8];
    for (int i = 0; i < n; i++) {
      int k = (int) y[i];
      count[k]++;
      sx[k] += p[2 * i];
      sy[k] += p[2 * i + 1];
    }
    for (int i = 0; i < n; i++) {
      int k = (int) y[i];
      double dx = p[2 * i] - sx[k] / count[k];
      double dy = p[2 * i + 1] - sy[k] / count[k];
      ss[k] += dx * dx + dy * dy;
    }
    for (int k = 0; k < 8; k++) {
      // 1000 expected per mode, binomial std ≈ 30.
      assertTrue(Math.abs(count[k] - 1000) < 150, "mode " + k + " count " + count[k]);
      assertEquals(centres[k][0], sx[k] / count[k], 0.01);
      assertEquals(centres[k][1], sy[k] / count[k], 0.01);
      assertEquals(0.05, Math.sqrt(ss[k] / (2.0 * (count[k] - 1))), 0.005);
    }
  }

  @Test
  void invalidSizesAndNoiseAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Toy2d.swissRoll(-1, new Generator(0)));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Toy2d.twoMoons(5, -0.1, new Generator(0)));
    assertThrows(
        IllegalArgumentException.class, () -> Toy2d.eightGaussians(5, 0.0, 0.1, new Generator(0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Toy2d.eightGaussians(5, 1.0, Double.NaN, new Generator(0)));
  }
}
