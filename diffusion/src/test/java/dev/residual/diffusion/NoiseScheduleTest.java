package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

  @Test
  void linearAtThousandStepsEndsNearFourTimesTenToMinusFive() {
    NoiseSchedule s = NoiseSchedule.linear(1000);
    assertEquals(1000, s.steps());
    assertEquals(1e-4, s.beta(0), 1e-18);
    assertEquals(0.02, s.beta(999), 1e-15);
    // ∏(1 − β_t) for β evenly spaced 1e-4 … 0.02, computed independently in double precision
    assertEquals(4.0358297653756754e-05, s.alphaBar(999), 1e-15);
  }

  @Test
  void linearRescaledForTwoHundredStepsKeepsAlphaBarSmall() {
    NoiseSchedule s = NoiseSchedule.linear(200);
    assertEquals(5e-4, s.beta(0), 1e-18);
    assertEquals(0.1, s.beta(199), 1e-15);
    assertEquals(3.031837167231906e-05, s.alphaBar(199), 1e-15);
    double[] unscaled = new double[200];
    for (int i = 0; i < 200; i++) {
      unscaled[i] = 1e-4 + (0.02 - 1e-4) * i / 199;
    }
    assertEquals(0.13218275425061793, new NoiseSchedule(unscaled).alphaBar(199), 1e-13);
  }

  @Test
  void cosineMatchesTheClosedFormAlphaBar() {
    NoiseSchedule s = NoiseSchedule.cosine(1000);
    // ᾱ at 0-based index t is f(t + 1)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2)
    assertEquals(0.999958715775178, s.alphaBar(0), 1e-14);
    assertEquals(4.128422482196914e-05, s.beta(0), 1e-14);
    assertEquals(0.49384359044063775, s.alphaBar(499), 1e-12);
    assertEquals(2.428766907034851e-06, s.alphaBar(998), 1e-15);
  }

  @Test
  void cosineClipsTheLastBetaAt0999() {
    NoiseSchedule s = NoiseSchedule.cosine(1000);
    assertEquals(0.999, s.beta(999), 0.0);
    for (int t = 0; t < 1000; t++) {
      assertTrue(s.beta(t) <= 0.999);
    }
  }

  @Test
  void derivedQuantitiesFollowTheirDefinitions() {
    NoiseSchedule s = new NoiseSchedule(new double[] {0.1, 0.2, 0.5});
    assertArrayEquals(new double[] {0.9, 0.8, 0.5}, s.alphas(), 1e-15);
    assertArrayEquals(new double[] {0.9, 0.72, 0.36}, s.alphaBars(), 1e-15);
    assertArrayEquals(new double[] {1.0, 0.9, 0.72}, s.alphaBarsPrev(), 1e-15);
    // β̃ = β (1 − ᾱ_{t−1}) / (1 − ᾱ_t): 0, 0.2·0.1/0.28, 0.5·0.28/0.64
    assertArrayEquals(
        new double[] {0.0, 0.2 * 0.1 / 0.28, 0.5 * 0.28 / 0.64}, s.posteriorVariances(), 1e-15);
    assertEquals(Math.sqrt(0.72), s.sqrtAlphaBar(1), 1e-15);
    assertEquals(Math.sqrt(0.28), s.sqrtOneMinusAlphaBar(1), 1e-15);
    assertEquals(Math.sqrt(0.9), s.sqrtAlphaBarPrev(1), 1e-15);
    assertEquals(Math.sqrt(0.2), s.sqrtBeta(1), 1e-15);
    assertEquals(Math.sqrt(0.8), s.sqrtAlpha(1), 1e-15);
    assertEquals(Math.sqrt(0.2 * 0.1 / 0.28), s.sqrtPosteriorVariance(1), 1e-15);
  }

  @Test
  void rejectsBadBetasStepsAndTimesteps() {
    var e = assertThrows(IllegalArgumentException.class, () -> new NoiseSchedule(new double[0]));
    assertTrue(e.getMessage().contains("at least one beta"));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new NoiseSchedule(new double[] {0.1, 1.0}));
    assertTrue(e.getMessage().contains("beta[1] = 1.0"));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(1));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosine(0));
    NoiseSchedule s = NoiseSchedule.linear(100);
    e = assertThrows(IllegalArgumentException.class, () -> s.alphaBar(100));
    assertTrue(e.getMessage().contains("timestep 100 out of range [0, 100)"));
    assertThrows(IllegalArgumentException.class, () -> s.beta(-1));
  }
}
