package dev.residual.evals.metrics;

import dev.residual.evals.Score;
import java.util.List;
import java.util.SplittableRandom;

/** Summary statistics of scores. Sums accumulate in double. */
public final class Metrics {
  private Metrics() {}

  /**
   * The mean of {@link Score#asDouble()} over {@code scores} (the fraction correct for C/I).
   *
   * @throws IllegalArgumentException if {@code scores} is empty
   */
  public static double accuracy(List<Score> scores) {
    return accuracy(values(scores));
  }

  /** The scores as numbers. */
  public static double[] values(List<Score> scores) {
    double[] v = new double[scores.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = scores.get(i).asDouble();
    }
    return v;
  }

  /**
   * Accuracy over numeric scores: their mean.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double accuracy(double[] values) {
    require("accuracy", values, 1);
    return mean(values);
  }

  /**
   * The arithmetic mean.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double mean(double[] values) {
    require("mean", values, 1);
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s / values.length;
  }

  /**
   * The standard error of the mean: sample standard deviation (n − 1 denominator) over √n. One
   * value has no spread to estimate; it gives 0, as inspect does.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double stderr(double[] values) {
    require("stderr", values, 1);
    int n = values.length;
    if (n == 1) {
      return 0;
    }
    double m = mean(values);
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
  }

  /**
   * The bootstrap standard error of the mean: draws {@code resamples} resamples of size n with
   * replacement (a {@link SplittableRandom} seeded with {@code seed}, so the result is
   * reproducible) and returns the sample standard deviation (B − 1 denominator) of their means; 0
   * when {@code resamples == 1}.
   *
   * @throws IllegalArgumentException if {@code values} is empty or {@code resamples < 1}
   */
  public static double bootstrapStderr(double[] values, int resamples, long seed) {
    require("bootstrapStderr", values, 1);
    if (resamples < 1) {
      throw new IllegalArgumentException(
          "bootstrapStderr: resamples must be >= 1, got " + resamples);
    }
    int n = values.length;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += values[rng.nextInt(n)];
      }
      means[b] = s / n;
    }
    if (resamples == 1) {
      return 0;
    }
    return stderr(means) * Math.sqrt(resamples);
  }

  private static void require(String op, double[] values, int min) {
    if (values == null || values.length < min) {
      throw new IllegalArgumentException(
          op
              + ": needs at least "
              + min
              + " value(s), got "
              + (values == null ? 0 : values.length));
    }
  }
}
