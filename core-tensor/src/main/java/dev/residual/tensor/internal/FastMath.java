package dev.residual.tensor.internal;

/**
 * Transcendental functions accurate to single precision, for FLOAT32 kernels. {@link Math#exp}
 * measured 20-90 ns per call on our machines, which made exp-heavy ops (softmax, GELU, sigmoid)
 * dominate a training step; these run in a few ns. FLOAT64 kernels keep {@link Math}'s exact
 * functions.
 *
 * <p>Relative error of {@link #exp} is below 1e-8 over the float range (far under float's 6e-8
 * epsilon); results are returned in double so callers can keep computing in double.
 */
public final class FastMath {
  private FastMath() {}

  private static final double LOG2E = 1.4426950408889634;
  private static final double LN2_HI = 0.6931471803691238;
  private static final double LN2_LO = 1.9082149292705877e-10;
  private static final double ROUNDER = 6755399441055744.0;

  /**
   * {@code e^x} with relative error below 1e-8; overflows to {@code +inf} above 709 and flushes to
   * 0 below -745, as {@link Math#exp}; NaN in, NaN out.
   */
  public static double exp(double x) {
    if (!(x > -708.0)) {
      // Also catches NaN (comparison false).
      return Double.isNaN(x) ? x : (x < -745.2 ? 0.0 : Math.exp(x));
    }
    if (x > 709.0) {
      return x > 709.78 ? Double.POSITIVE_INFINITY : Math.exp(x);
    }
    // x = k ln2 + r with |r| <= ln2 / 2; e^x = 2^k e^r.
    // Round to nearest by adding and subtracting 1.5 * 2^52 (cheaper than Math.rint here).
    double kd = (x * LOG2E + ROUNDER) - ROUNDER;
    double r = (x - kd * LN2_HI) - kd * LN2_LO;
    // Taylor polynomial of degree 8 for e^r (truncation error < 3e-10 on |r| <= 0.347).
    double p =
        1.0
            + r
                * (1.0
                    + r
                        * (0.5
                            + r
                                * (1.0 / 6
                                    + r
                                        * (1.0 / 24
                                            + r
                                                * (1.0 / 120
                                                    + r
                                                        * (1.0 / 720
                                                            + r
                                                                * (1.0 / 5040
                                                                    + r * (1.0 / 40320))))))));
    long k = (long) kd;
    return p * Double.longBitsToDouble((k + 1023) << 52);
  }

  /** {@code tanh(x)} with absolute and relative error below 1e-8; exact ±1 beyond |x| > 20. */
  public static double tanh(double x) {
    double a = Math.abs(x);
    double r;
    if (a < 0.0625) {
      // Odd Taylor series: error below x^9 * 62/2835 < 1e-12 relative here.
      double x2 = x * x;
      return x * (1.0 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315))));
    } else if (a > 20.0) {
      r = 1.0;
    } else {
      double e = exp(-2.0 * a);
      r = (1.0 - e) / (1.0 + e);
    }
    return x < 0 ? -r : r;
  }

  /** Logistic sigmoid {@code 1 / (1 + e^-x)}, stable for large |x|. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + exp(-x));
    }
    double e = exp(x);
    return e / (1.0 + e);
  }
}
