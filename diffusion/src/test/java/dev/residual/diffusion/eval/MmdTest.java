package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MmdTest {
  private static final double[] SIGMA1 = {1.0};
  private static final Tensor TWO_POINTS = Tensor.of(new double[] {0, 0, 1, 0}, 2, 2);

  @Test
  void identicalTwoPointSamplesGiveTheHandComputedUnbiasedValue() {
    // k(x0, x1) = e^{-1/2}; within-sample terms e^{-1/2} each; cross term (2 + 2e^{-1/2}) / 4.
    // MMD²_u = 2e^{-1/2} − (1 + e^{-1/2}) = e^{-1/2} − 1: negative, as the unbiased estimator
    // may be.
    assertEquals(Math.exp(-0.5) - 1, Mmd.mmd2(TWO_POINTS, TWO_POINTS, SIGMA1), 1e-12);
  }

  @Test
  void shiftedTwoPointSamplesGiveTheHandComputedValue() {
    Tensor shifted = Tensor.of(new double[] {0, 3, 1, 3}, 2, 2);
    // Cross distances² are 9, 10, 10, 9: cross term (2e^{-4.5} + 2e^{-5}) / 4.
    double expected = 2 * Math.exp(-0.5) - (Math.exp(-4.5) + Math.exp(-5));
    assertEquals(expected, Mmd.mmd2(TWO_POINTS, shifted, SIGMA1), 1e-12);
    assertEquals(expected, Mmd.mmd2(shifted, TWO_POINTS, SIGMA1), 1e-12);
  }

  @Test
  void biasedEstimatorIsExactlyZeroForIdenticalSamplesAndMatchesHandValueWhenShifted() {
    assertEquals(0.0, Mmd.mmd2(TWO_POINTS, TWO_POINTS, SIGMA1, Mmd.Estimator.BIASED), 1e-15);
    Tensor shifted = Tensor.of(new double[] {0, 3, 1, 3}, 2, 2);
    // Within-sample terms (1 + 1 + 2e^{-1/2}) / 4 each; cross term as in the unbiased case.
    double expected = 1 + Math.exp(-0.5) - (Math.exp(-4.5) + Math.exp(-5));
    assertEquals(expected, Mmd.mmd2(TWO_POINTS, shifted, SIGMA1, Mmd.Estimator.BIASED), 1e-12);
  }

  @Test
  void biasedRatioOfAFreshSampleIsNearOneAndOfANoisierSampleFarAbove() {
    Tensor a = Toy2d.eightGaussians(500, new Generator(1)).points();
    Tensor b = Toy2d.eightGaussians(500, new Generator(2)).points();
    Tensor fresh = Toy2d.eightGaussians(500, new Generator(3)).points();
    Tensor noisier =
        Toy2d.eightGaussians(500, Toy2d.EIGHT_GAUSSIANS_RADIUS, 0.1, new Generator(3)).points();
    double[] bw = Mmd.DEFAULT_BANDWIDTHS;
    Mmd.Report good = Mmd.compare(fresh, a, b, bw, Mmd.Estimator.BIASED);
    Mmd.Report bad = Mmd.compare(noisier, a, b, bw, Mmd.Estimator.BIASED);
    assertTrue(good.trueVsTrue() > 0, good.toString());
    assertTrue(good.ratio() > 0.5 && good.ratio() < 2, good.toString());
    assertTrue(bad.ratio() > 4, bad.toString());
  }

  @Test
  void sumOfBandwidthsIsTheSumOfSingleBandwidthValues() {
    Tensor x = Tensor.randn(new Generator(1), 7, 3);
    Tensor y = Tensor.randn(new Generator(2), 5, 3).add(0.5);
    double both = Mmd.mmd2(x, y, new double[] {0.5, 2.0});
    double sum = Mmd.mmd2(x, y, new double[] {0.5}) + Mmd.mmd2(x, y, new double[] {2.0});
    assertEquals(sum, both, 1e-12);
  }

  @Test
  void independentSamplesOfOneToyAreNearZeroAndShiftedOnesClearlyPositive() {
    Tensor a = Toy2d.eightGaussians(400, new Generator(1)).points();
    Tensor b = Toy2d.eightGaussians(400, new Generator(2)).points();
    Tensor shifted = b.add(0.1);
    Mmd.Report same = Mmd.compare(b, a, Toy2d.eightGaussians(400, new Generator(3)).points());
    double floor = Math.abs(same.trueVsTrue());
    assertTrue(Math.abs(same.generatedVsTrue()) < 0.02, same.toString());
    assertTrue(floor < 0.02, same.toString());
    double far = Mmd.mmd2(shifted, a);
    assertTrue(far > 0.1 && far > 10 * floor, "shifted MMD² " + far + ", " + same);
    Mmd.Report bad = new Mmd.Report(far, same.trueVsTrue());
    assertFalse(bad.withinFactor(2), bad.toString());
    assertTrue(new Mmd.Report(1.5 * floor, floor).withinFactor(2));
  }

  @Test
  void theDefaultBandwidthsSeeATwiceAsNoisyToyButNotAFreshSample() {
    // Half the 2,000 points, to keep the test quick; the separation only grows with n.
    Tensor a = Toy2d.twoMoons(1000, new Generator(1)).points();
    Tensor b = Toy2d.twoMoons(1000, new Generator(2)).points();
    Tensor fresh = Toy2d.twoMoons(1000, new Generator(3)).points();
    Tensor noisier = Toy2d.twoMoons(1000, 2 * Toy2d.MOONS_NOISE, new Generator(3)).points();
    Mmd.Report good = Mmd.compare(fresh, a, b);
    Mmd.Report bad = Mmd.compare(noisier, a, b);
    assertTrue(good.withinFactor(2) || Math.abs(good.generatedVsTrue()) < 1e-3, good.toString());
    assertFalse(bad.withinFactor(2), bad.toString());
  }

  @Test
  void badShapesTooFewPointsAndBadBandwidthsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Mmd.mmd2(TWO_POINTS, Tensor.zeros(2, 3)));
    assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[2, 3]"));
    assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(TWO_POINTS, Tensor.zeros(1, 2)));
    assertThrows(IllegalArgumentException.class, () -> Mmd.mmd2(Tensor.zeros(4), TWO_POINTS));
    assertThrows(
        IllegalArgumentException.class, () -> Mmd.mmd2(TWO_POINTS, TWO_POINTS, new double[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> Mmd.mmd2(TWO_POINTS, TWO_POINTS, new double[] {1, 0}));
  }
}
