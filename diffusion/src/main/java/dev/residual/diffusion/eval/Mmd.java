package dev.residual.diffusion.eval;

import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * The squared maximum mean discrepancy (Gretton et al. 2012) between two samples, with a sum of RBF
 * kernels {@code k(a, b) = Σ_σ exp(−‖a − b‖² / (2σ²))} at fixed bandwidths σ (default {@link
 * #DEFAULT_BANDWIDTHS}), and its unbiased estimator
 *
 * <pre>
 *   MMD²_u = 1/(n(n−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j)
 *            − 2/(nm) Σ_{i,j} k(x_i, y_j)
 * </pre>
 *
 * which is 0 in expectation when both samples come from the same distribution, and can then be
 * slightly negative. The biased (V-statistic) estimator {@link Estimator#BIASED} keeps the diagonal
 * terms ({@code i = j}, divided by n² and m²): it is never negative, exactly 0 for identical
 * samples, and for equal sample sizes has the same positive offset for a perfect generator as for a
 * second true sample, which makes a ratio "generated vs true-vs-true" meaningful (the unbiased
 * floor fluctuates around 0, so its ratios are noise). Computed in double precision; O((n + m)² d)
 * time, fine for a few thousand points.
 */
public final class Mmd {
  /**
   * The default bandwidths {0.02, 0.05, 0.1, 0.2, 0.5, 1}: from below the eight Gaussians' mode
   * width to the scale of the whole {@code [−1, 1]²} toy data (see {@code Toy2d}).
   */
  public static final double[] DEFAULT_BANDWIDTHS = {0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

  /**
   * MMD of a generated sample next to the MMD of two independent true samples: the second is the
   * noise floor at this sample size, the yardstick for the first.
   *
   * @param generatedVsTrue MMD²(generated, true)
   * @param trueVsTrue MMD²(true, independent true), same estimator
   */
  public record Report(double generatedVsTrue, double trueVsTrue) {
    /**
     * {@code generatedVsTrue / trueVsTrue}; only meaningful when {@code trueVsTrue > 0} (the
     * unbiased floor can be ≤ 0 by chance, then this is infinite or negative).
     */
    public double ratio() {
      return generatedVsTrue / trueVsTrue;
    }

    /**
     * Whether the generated sample is within {@code factor} of the floor: {@code generatedVsTrue ≤
     * factor · |trueVsTrue|} (the absolute value, so that a floor that is negative by chance does
     * not make the test impossible).
     */
    public boolean withinFactor(double factor) {
      return generatedVsTrue <= factor * Math.abs(trueVsTrue);
    }

    @Override
    public String toString() {
      return String.format(
          "MMD²(generated, true) = %.3e, MMD²(true, true') = %.3e, ratio %.2f",
          generatedVsTrue, trueVsTrue, ratio());
    }
  }

  /** Which estimator of MMD² to compute. */
  public enum Estimator {
    /** The U-statistic: off-diagonal within-sample sums; unbiased, may be negative. */
    UNBIASED,
    /** The V-statistic: all pairs including {@code i = j}; biased upwards, never negative. */
    BIASED
  }

  private Mmd() {}

  /** {@link #mmd2(Tensor, Tensor, double[])} with {@link #DEFAULT_BANDWIDTHS}. */
  public static double mmd2(Tensor x, Tensor y) {
    return mmd2(x, y, DEFAULT_BANDWIDTHS);
  }

  /**
   * The unbiased MMD² between samples {@code x [n, d]} and {@code y [m, d]} (any float type).
   *
   * @throws IllegalArgumentException if either is not 2-D, the feature sizes differ, either has
   *     fewer than 2 rows, or no bandwidth is given or one is not positive
   */
  public static double mmd2(Tensor x, Tensor y, double[] bandwidths) {
    return mmd2(x, y, bandwidths, Estimator.UNBIASED);
  }

  /**
   * MMD² between samples {@code x [n, d]} and {@code y [m, d]} (any float type) with the given
   * estimator.
   *
   * @throws IllegalArgumentException if either is not 2-D, the feature sizes differ, either has
   *     fewer than 2 rows, or no bandwidth is given or one is not positive
   */
  public static double mmd2(Tensor x, Tensor y, double[] bandwidths, Estimator estimator) {
    if (x.dim() != 2 || y.dim() != 2 || x.shape()[1] != y.shape()[1]) {
      throw new IllegalArgumentException(
          "Mmd.mmd2: expected [n, d] and [m, d], got shapes "
              + Arrays.toString(x.shape())
              + " and "
              + Arrays.toString(y.shape()));
    }
    if (x.shape()[0] < 2 || y.shape()[0] < 2) {
      throw new IllegalArgumentException(
          "Mmd.mmd2: the unbiased estimator needs at least 2 points per sample, got shapes "
              + Arrays.toString(x.shape())
              + " and "
              + Arrays.toString(y.shape()));
    }
    if (bandwidths.length == 0) {
      throw new IllegalArgumentException("Mmd.mmd2: no bandwidths given");
    }
    double[] coef = new double[bandwidths.length];
    for (int s = 0; s < bandwidths.length; s++) {
      if (!(bandwidths[s] > 0)) {
        throw new IllegalArgumentException(
            "Mmd.mmd2: bandwidths must be positive, got " + Arrays.toString(bandwidths));
      }
      coef[s] = -1.0 / (2 * bandwidths[s] * bandwidths[s]);
    }
    int d = (int) x.shape()[1];
    double[] a = x.detach().toDoubleArray();
    double[] b = y.detach().toDoubleArray();
    int n = (int) x.shape()[0];
    int m = (int) y.shape()[0];
    double kxx;
    double kyy;
    if (estimator == Estimator.UNBIASED) {
      kxx = 2 * sumWithin(a, n, d, coef) / ((double) n * (n - 1));
      kyy = 2 * sumWithin(b, m, d, coef) / ((double) m * (m - 1));
    } else {
      // k(p, p) = Σ_σ exp(0) = the number of bandwidths.
      kxx = (2 * sumWithin(a, n, d, coef) + n * (double) coef.length) / ((double) n * n);
      kyy = (2 * sumWithin(b, m, d, coef) + m * (double) coef.length) / ((double) m * m);
    }
    double kxy = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        kxy += kernel(a, i, b, j, d, coef);
      }
    }
    return kxx + kyy - 2 * kxy / ((double) n * m);
  }

  /**
   * {@link #mmd2} of {@code generated} against {@code trueSample}, next to that of {@code
   * trueSample} against an independent {@code trueSample2}; use samples of equal sizes so the two
   * numbers share a noise level.
   *
   * @throws IllegalArgumentException as {@link #mmd2(Tensor, Tensor, double[])}
   */
  public static Report compare(
      Tensor generated, Tensor trueSample, Tensor trueSample2, double[] bandwidths) {
    return compare(generated, trueSample, trueSample2, bandwidths, Estimator.UNBIASED);
  }

  /**
   * {@link #compare(Tensor, Tensor, Tensor, double[])} with the given estimator; with {@link
   * Estimator#BIASED} and equal sample sizes the report's ratio is about 1 for a perfect generator.
   *
   * @throws IllegalArgumentException as {@link #mmd2(Tensor, Tensor, double[], Estimator)}
   */
  public static Report compare(
      Tensor generated,
      Tensor trueSample,
      Tensor trueSample2,
      double[] bandwidths,
      Estimator estimator) {
    return new Report(
        mmd2(generated, trueSample, bandwidths, estimator),
        mmd2(trueSample2, trueSample, bandwidths, estimator));
  }

  /** {@link #compare(Tensor, Tensor, Tensor, double[])} with {@link #DEFAULT_BANDWIDTHS}. */
  public static Report compare(Tensor generated, Tensor trueSample, Tensor trueSample2) {
    return compare(generated, trueSample, trueSample2, DEFAULT_BANDWIDTHS);
  }

  /** Σ_{i<j} k(p_i, p_j); the kernel is symmetric so the full off-diagonal sum is twice this. */
  private static double sumWithin(double[] p, int n, int d, double[] coef) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        sum += kernel(p, i, p, j, d, coef);
      }
    }
    return sum;
  }

  private static double kernel(double[] p, int i, double[] q, int j, int d, double[] coef) {
    double r2 = 0;
    for (int c = 0; c < d; c++) {
      double diff = p[i * d + c] - q[j * d + c];
      r2 += diff * diff;
    }
    double k = 0;
    for (double cs : coef) {
      k += Math.exp(cs * r2);
    }
    return k;
  }
}
