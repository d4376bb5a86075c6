package dev.residual.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
