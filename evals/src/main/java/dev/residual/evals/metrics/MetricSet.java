package dev.residual.evals.metrics;

/**
 * The metrics of one group of scores. Undefined values (no scores) are null so the JSON log stays
 * standard JSON (no NaN).
 *
 * @param n how many scores
 * @param accuracy the mean of the scores as numbers (C → 1, I → 0, P → 0.5, N → 0)
 * @param mean the mean (equal to accuracy; kept separate to mirror inspect's metric names)
 * @param stderr sample standard deviation (n − 1 denominator) over √n; 0 when n = 1
 * @param bootstrapStderr the standard deviation of the means of seeded bootstrap resamples
 */
public record MetricSet(
    int n, Double accuracy, Double mean, Double stderr, Double bootstrapStderr) {
  /**
   * Computes every metric of {@code values}.
   *
   * @param values the scores as numbers
   * @param resamples bootstrap resamples
   * @param seed bootstrap seed
   * @throws IllegalArgumentException if {@code resamples < 1}
   */
  public static MetricSet of(double[] values, int resamples, long seed) {
    if (values.length == 0) {
      if (resamples < 1) {
        throw new IllegalArgumentException(
            "MetricSet.of: resamples must be >= 1, got " + resamples);
      }
      return new MetricSet(0, null, null, null, null);
    }
    return new MetricSet(
        values.length,
        Metrics.accuracy(values),
        Metrics.mean(values),
        Metrics.stderr(values),
        Metrics.bootstrapStderr(values, resamples, seed));
  }
}
