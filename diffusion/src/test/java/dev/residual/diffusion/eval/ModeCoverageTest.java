package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModeCoverageTest {
  private static final double[][] TWO = {{0, 0}, {10, 0}};
  private static final double[][] THREE = {{0, 0}, {10, 0}, {0, 10}};

  @Test
  void pointsGoToTheNearestCentreWithinTheRadiusAndOthersAreOutliers() {
    Tensor p = Tensor.of(new double[] {0.5, 0, 9.5, 0, 10, 0.9, 5, 5}, 4, 2);
    ModeCoverage.Result r = ModeCoverage.evaluate(p, TWO, 1.0);
    assertArrayEquals(new int[] {1, 2}, r.counts());
    assertEquals(1, r.outliers());
    assertEquals(4, r.total());
    assertEquals(2, r.modesHit());
    // Fair share 4 / 2 = 2; the fullest mode holds 2, ratio 1.
    assertEquals(1.0, r.maxShareRatio(), 1e-15);
    assertTrue(r.covered());
  }

  @Test
  void aModeAboveTwiceItsShareOrAnEmptyModeFailsCoverage() {
    // Counts [7, 1, 1] of 9: share 3, ratio 7/3 > 2 although every mode is hit.
    double[] v = new double[18];
    for (int i = 0; i < 7; i++) {
      v[2 * i] = 0.1 * i;
    }
    v[14] = 10;
    v[17] = 10;
    ModeCoverage.Result r = ModeCoverage.evaluate(Tensor.of(v, 9, 2), THREE, 1.0);
    assertArrayEquals(new int[] {7, 1, 1}, r.counts());
    assertTrue(r.allHit());
    assertEquals(7.0 / 3, r.maxShareRatio(), 1e-15);
    assertFalse(r.covered());

    ModeCoverage.Result empty =
        ModeCoverage.evaluate(Tensor.of(new double[] {0, 0, 10, 0}, 2, 2), THREE, 1.0);
    assertArrayEquals(new int[] {1, 1, 0}, empty.counts());
    assertEquals(2, empty.modesHit());
    assertFalse(empty.covered());
  }

  @Test
  void aPointEquidistantFromTwoCentresGoesToTheFirst() {
    ModeCoverage.Result r = ModeCoverage.evaluate(Tensor.of(new double[] {5, 0}, 1, 2), TWO, 5.0);
    assertArrayEquals(new int[] {1, 0}, r.counts());
  }

  @Test
  void trueEightGaussianSamplesAreCoveredWithFewOutliers() {
    ModeCoverage.Result r =
        ModeCoverage.eightGaussians(Toy2d.eightGaussians(2000, new Generator(7)).points());
    assertTrue(r.covered(), r.toString());
    // Beyond 3σ in 2-D: P = e^{-9/2} ≈ 1.1%, about 22 of 2000.
    assertTrue(r.outliers() < 60, r.toString());
    int sum = r.outliers();
    for (int c : r.counts()) {
      sum += c;
    }
    assertEquals(2000, sum);
  }

  @Test
  void collapsedSamplesAreNotCovered() {
    Tensor collapsed = Tensor.full(0.8, 100, 2).mul(Tensor.of(new double[] {1, 0}, 2));
    ModeCoverage.Result r = ModeCoverage.eightGaussians(collapsed);
    assertEquals(1, r.modesHit());
    assertEquals(100, r.counts()[0]);
    assertEquals(8.0, r.maxShareRatio(), 1e-12);
    assertFalse(r.covered());
  }

  @Test
  void badArgumentsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModeCoverage.evaluate(Tensor.zeros(3, 3), TWO, 1.0));
    assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ModeCoverage.evaluate(Tensor.zeros(3, 2), new double[0][], 1.0));
    assertThrows(
        IllegalArgumentException.class, () -> ModeCoverage.evaluate(Tensor.zeros(3, 2), TWO, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModeCoverage.evaluate(Tensor.zeros(3, 2), new double[][] {{0, 0}, {1}}, 1.0));
  }
}
