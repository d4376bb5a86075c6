package dev.residual.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class FastMathTest {
  @Test
  void expMatchesMathExpToOneInAHundredMillion() {
    double worst = 0;
    for (double x = -100; x <= 88; x += 0.0137) {
      double rel = Math.abs(FastMath.exp(x) - Math.exp(x)) / Math.exp(x);
      worst = Math.max(worst, rel);
    }
    assertTrue(worst < 1e-8, "worst relative error " + worst);
  }

  @Test
  void expHandlesTheEdgesLikeMathExp() {
    assertEquals(Double.POSITIVE_INFINITY, FastMath.exp(1000));
    assertEquals(0.0, FastMath.exp(-1000));
    assertTrue(Double.isNaN(FastMath.exp(Double.NaN)));
    assertEquals(0.0, FastMath.exp(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, FastMath.exp(0.0));
  }

  @Test
  void tanhAndSigmoidMatchMathToSinglePrecision() {
    double worstT = 0;
    double worstS = 0;
    for (double x = -30; x <= 30; x += 0.00731) {
      worstT = Math.max(worstT, Math.abs(FastMath.tanh(x) - Math.tanh(x)));
      double s = 1 / (1 + Math.exp(-x));
      worstS = Math.max(worstS, Math.abs(FastMath.sigmoid(x) - s) / s);
    }
    assertTrue(worstT < 1e-8, "tanh worst abs error " + worstT);
    assertTrue(worstS < 1e-8, "sigmoid worst rel error " + worstS);
    assertEquals(1e-9, FastMath.tanh(1e-9), 1e-24);
  }

  @Test
  void erfcIsAccurateInRelativeTermsAcrossBothTailsAgainstCommonsMath() {
    double worst = 0;
    for (double x = -10; x <= 10; x += 0.00317) {
      double want = Erf.erfc(x);
      if (want < 1e-37) {
        continue; // below float's normal range; commons-math itself loses digits there
      }
      worst = Math.max(worst, Math.abs(FastMath.erfc(x) - want) / want);
    }
    assertTrue(worst < 1e-8, "erfc worst relative error " + worst);
    assertEquals(0.0, FastMath.erfc(10.5));
    assertEquals(2.0, FastMath.erfc(-10.5));
    assertEquals(1.0, FastMath.erfc(0.0));
    assertTrue(Double.isNaN(FastMath.erfc(Double.NaN)));
  }

  @Test
  void erfAndNormalCdfMatchCommonsMath() {
    double worstErf = 0;
    double worstCdf = 0;
    for (double x = -8; x <= 8; x += 0.00293) {
      worstErf = Math.max(worstErf, Math.abs(FastMath.erf(x) - Erf.erf(x)));
      double cdf = 0.5 * Erf.erfc(-x / Math.sqrt(2));
      worstCdf = Math.max(worstCdf, Math.abs(FastMath.normalCdf(x) - cdf) / cdf);
    }
    assertTrue(worstErf < 1e-8, "erf worst absolute error " + worstErf);
    assertTrue(worstCdf < 1e-8, "normal CDF worst relative error " + worstCdf);
    assertEquals(-FastMath.erf(0.3), FastMath.erf(-0.3));
    assertEquals(1e-12 * 2 / Math.sqrt(Math.PI), FastMath.erf(1e-12), 1e-20);
  }
}
