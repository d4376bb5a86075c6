package dev.residual.diffusion.eval;

import dev.residual.tensor.Tensor;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet distance between two Gaussians fitted to feature vectors, the statistic behind FID:
 * {@code d² = |μ_a − μ_b|² + Tr(Σ_a + Σ_b − 2·(Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2})}.
 *
 * <p>Everything is computed in double precision. The matrix square roots come from symmetric
 * eigendecompositions (commons-math3), with eigenvalues that rounding pushed slightly below zero
 * clamped to 0, so the result is real and, up to rounding, non-negative. {@code (Σ_a^{1/2} Σ_b
 * Σ_a^{1/2})^{1/2}} has the same trace as {@code (Σ_a Σ_b)^{1/2}} used by the FID reference code,
 * but is symmetric positive semi-definite, which avoids a general (non-symmetric) matrix square
 * root.
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /**
   * The mean and covariance of {@code n} feature vectors.
   *
   * @param mean {@code [F]}
   * @param cov {@code [F, F]}, unbiased (divided by {@code n − 1})
   * @param n the number of vectors
   */
  public record Stats(double[] mean, double[][] cov, int n) {
    /** The feature dimension {@code F}. */
    public int dim() {
      return mean.length;
    }
  }

  /**
   * Fits a Gaussian to feature rows.
   *
   * @param features {@code [N, F]} (any floating-point type), {@code N >= 2}
   * @return the mean and unbiased covariance, in double
   * @throws IllegalArgumentException if {@code features} is not 2-D or has fewer than 2 rows
   */
  public static Stats stats(Tensor features) {
    long[] s = features.shape();
    if (s.length != 2 || s[0] < 2 || s[1] < 1) {
      throw new IllegalArgumentException(
          "FrechetDistance.stats: expected features [N, F] with N >= 2 and F >= 1, got "
              + Arrays.toString(s));
    }
    int n = (int) s[0];
    int f = (int) s[1];
    double[] x = features.detach().toDoubleArray();
    double[] mean = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        mean[j] += x[i * f + j];
      }
    }
    for (int j = 0; j < f; j++) {
      mean[j] /= n;
    }
    double[][] cov = new double[f][f];
    double[] c = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        c[j] = x[i * f + j] - mean[j];
      }
      for (int a = 0; a < f; a++) {
        double ca = c[a];
        double[] row = cov[a];
        for (int b = a; b < f; b++) {
          row[b] += ca * c[b];
        }
      }
    }
    for (int a = 0; a < f; a++) {
      for (int b = a; b < f; b++) {
        double v = cov[a][b] / (n - 1);
        cov[a][b] = v;
        cov[b][a] = v;
      }
    }
    return new Stats(mean, cov, n);
  }

  /**
   * The Fréchet distance {@code |μ_a − μ_b|² + Tr(Σ_a + Σ_b − 2·(Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2})}
   * (the squared 2-Wasserstein distance between the two Gaussians).
   *
   * @throws IllegalArgumentException if the feature dimensions differ or a covariance is not {@code
   *     [F, F]}
   */
  public static double distance(Stats a, Stats b) {
    int f = a.dim();
    if (b.dim() != f || a.cov().length != f || b.cov().length != f) {
      throw new IllegalArgumentException(
          "FrechetDistance.distance: feature dimensions differ: means of size "
              + a.dim()
              + " and "
              + b.dim()
              + ", covariances of "
              + a.cov().length
              + " and "
              + b.cov().length
              + " rows");
    }
    double meanTerm = 0;
    for (int j = 0; j < f; j++) {
      double d = a.mean()[j] - b.mean()[j];
      meanTerm += d * d;
    }
    RealMatrix sa = symmetric(a.cov());
    RealMatrix sb = symmetric(b.cov());
    RealMatrix rootA = sqrtPsd(sa);
    RealMatrix m = rootA.multiply(sb).multiply(rootA);
    double traceRoot = 0;
    for (double ev : eigenvalues(symmetric(m.getData()))) {
      traceRoot += Math.sqrt(Math.max(ev, 0));
    }
    return meanTerm + sa.getTrace() + sb.getTrace() - 2 * traceRoot;
  }

  /**
   * The Fréchet distance between the Gaussians fitted to two feature sets {@code [N_a, F]} and
   * {@code [N_b, F]}.
   *
   * @throws IllegalArgumentException as {@link #stats} and {@link #distance(Stats, Stats)}
   */
  public static double distance(Tensor featuresA, Tensor featuresB) {
    return distance(stats(featuresA), stats(featuresB));
  }

  // The average of m and its transpose: removes rounding asymmetry before a symmetric solver.
  private static RealMatrix symmetric(double[][] m) {
    int f = m.length;
    double[][] out = new double[f][f];
    for (int i = 0; i < f; i++) {
      if (m[i].length != f) {
        throw new IllegalArgumentException(
            "FrechetDistance: covariance row " + i + " has " + m[i].length + " entries, not " + f);
      }
    }
    for (int i = 0; i < f; i++) {
      for (int j = 0; j < f; j++) {
        out[i][j] = 0.5 * (m[i][j] + m[j][i]);
      }
    }
    return new Array2DRowRealMatrix(out, false);
  }

  private static double[] eigenvalues(RealMatrix m) {
    return new EigenDecomposition(m).getRealEigenvalues();
  }

  /** The symmetric PSD square root {@code V·diag(√max(λ, 0))·Vᵀ} of a symmetric matrix. */
  static RealMatrix sqrtPsd(RealMatrix m) {
    EigenDecomposition e = new EigenDecomposition(m);
    RealMatrix v = e.getV();
    double[] ev = e.getRealEigenvalues();
    int f = ev.length;
    double[][] scaled = new double[f][f];
    for (int i = 0; i < f; i++) {
      for (int k = 0; k < f; k++) {
        scaled[i][k] = v.getEntry(i, k) * Math.sqrt(Math.max(ev[k], 0));
      }
    }
    return new Array2DRowRealMatrix(scaled, false).multiply(v.transpose());
  }
}
