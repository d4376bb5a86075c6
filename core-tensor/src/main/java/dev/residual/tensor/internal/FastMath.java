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

  // erfc(z) for z >= ERFC_SPLIT is e^{-z^2} R(u): R a degree-10 polynomial in u = (t - ERFC_T_MID)
  // * ERFC_T_SCALE, t = 1 / (1 + z / 2), fitted by weighted least squares (relative error) on
  // Chebyshev nodes of t over z in [0.5, 10]. Below the split, erf(z) = z S(z^2), S of degree 6
  // fitted the same way on [0, 0.5]. Both fits are within 2e-9 of the true values (relative), so
  // float32 rounding, not the fit, bounds the error of the kernels built on them.

  /** Below this, erf is the small-argument polynomial; above, erfc is the tail form. */
  static final double ERFC_SPLIT = 0.5;

  /** Upper end of the tail fit; erfc(10) = 2.1e-45 is below float's smallest subnormal. */
  static final double ERFC_MAX = 10.0;

  static final double ERFC_T_MID = 0.48333333333333334;
  static final double ERFC_T_SCALE = 3.157894736842105;

  /** Coefficients of R, lowest degree first. */
  static final double[] ERFC_R = {
    0.24142173714146908,
    0.2605140469146243,
    0.09377487169724147,
    0.019917436286203044,
    0.0007858455318425412,
    -0.0006932490748388547,
    -6.963848327717816e-05,
    3.8897964748343256e-05,
    2.920993466277999e-06,
    -2.4566544952614455e-06,
    -6.864678010753966e-08
  };

  /** Coefficients of S (erf(z) / z as a polynomial in z^2), lowest degree first. */
  static final double[] ERF_S = {
    1.1283791656893218,
    -0.3761262556739931,
    0.11283582247993118,
    -0.026853691099728183,
    0.005188098889435028,
    -0.0008008189323527592,
    7.847259128380968e-05
  };

  private static double poly(double[] c, double x) {
    double r = c[c.length - 1];
    for (int k = c.length - 2; k >= 0; k--) {
      r = r * x + c[k];
    }
    return r;
  }

  /**
   * The complementary error function {@code erfc(x) = 1 - erf(x)}, with relative error below 1e-8
   * wherever the result is a normal float (it is computed in the tail form, not as {@code 1 - erf},
   * so small results keep their precision); 0 for {@code x > 10}, 2 for {@code x < -10}; NaN in,
   * NaN out.
   */
  public static double erfc(double x) {
    double z = Math.abs(x);
    double r;
    if (z < ERFC_SPLIT) {
      r = 1.0 - z * poly(ERF_S, z * z);
    } else if (z > ERFC_MAX) {
      r = 0.0;
    } else {
      double t = 1.0 / (1.0 + 0.5 * z);
      r = exp(-z * z) * poly(ERFC_R, (t - ERFC_T_MID) * ERFC_T_SCALE);
    }
    return x < 0 ? 2.0 - r : r; // NaN fails every comparison above and stays NaN
  }

  /** The error function, with absolute error below 1e-8 (and relative below 1e-8 near 0). */
  public static double erf(double x) {
    double z = Math.abs(x);
    if (z < ERFC_SPLIT) {
      return x * poly(ERF_S, z * z);
    }
    double r = 1.0 - erfc(z);
    return x < 0 ? -r : r;
  }

  /**
   * The standard normal CDF {@code Φ(x) = erfc(-x / √2) / 2}, accurate in relative terms in both
   * tails (for {@code x < 0} it never subtracts from 1).
   */
  public static double normalCdf(double x) {
    return 0.5 * erfc(-x * 0.7071067811865476);
  }
}
