package dev.residual.diffusion.eval;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * Mode coverage of a sample from a mixture with known centres (the eight Gaussians): each point is
 * assigned to its nearest centre if it lies within {@code radius} of it (Euclidean), otherwise it
 * counts as an outlier. The sample covers the modes when every mode holds at least one point and
 * none holds more than twice its share {@code n / k} of all {@code n} points (outliers included in
 * {@code n}).
 */
public final class ModeCoverage {
  /**
   * The outcome.
   *
   * @param counts points assigned to each mode
   * @param outliers points farther than the radius from every centre
   * @param total all points
   */
  public record Result(int[] counts, int outliers, int total) {
    /** The number of modes holding at least one point. */
    public int modesHit() {
      int hit = 0;
      for (int c : counts) {
        hit += c > 0 ? 1 : 0;
      }
      return hit;
    }

    /** Whether every mode holds at least one point. */
    public boolean allHit() {
      return modesHit() == counts.length;
    }

    /** The largest count divided by the fair share {@code total / k}. */
    public double maxShareRatio() {
      int max = 0;
      for (int c : counts) {
        max = Math.max(max, c);
      }
      return total == 0 ? 0 : max * (double) counts.length / total;
    }

    /** All modes hit and none holding more than twice its share. */
    public boolean covered() {
      return allHit() && maxShareRatio() <= 2.0;
    }

    @Override
    public String toString() {
      return "modes hit "
          + modesHit()
          + "/"
          + counts.length
          + ", counts "
          + Arrays.toString(counts)
          + ", outliers "
          + outliers
          + "/"
          + total
          + String.format(", max share ratio %.2f", maxShareRatio());
    }
  }

  private ModeCoverage() {}

  /**
   * Coverage of {@code points [n, 2]} over the default eight Gaussians of {@link Toy2d}, with
   * radius three standard deviations ({@code 3 · Toy2d.EIGHT_GAUSSIANS_STD}).
   *
   * @throws IllegalArgumentException as {@link #evaluate(Tensor, double[][], double)}
   */
  public static Result eightGaussians(Tensor points) {
    return evaluate(
        points,
        Toy2d.eightGaussianCentres(Toy2d.EIGHT_GAUSSIANS_RADIUS),
        3 * Toy2d.EIGHT_GAUSSIANS_STD);
  }

  /**
   * Assigns {@code points [n, d]} to the nearest of {@code centres [k][d]} within {@code radius}; a
   * point equidistant from two centres goes to the one listed first.
   *
   * @throws IllegalArgumentException if {@code points} is not {@code [n, d]} with d the centres'
   *     size, there are no centres, or the radius is not positive
   */
  public static Result evaluate(Tensor points, double[][] centres, double radius) {
    if (centres.length == 0) {
      throw new IllegalArgumentException("ModeCoverage.evaluate: no centres given");
    }
    int d = centres[0].length;
    if (points.dim() != 2 || points.shape()[1] != d) {
      throw new IllegalArgumentException(
          "ModeCoverage.evaluate: expected points [n, "
              + d
              + "] to match centres of size "
              + d
              + ", got shape "
              + Arrays.toString(points.shape()));
    }
    for (double[] c : centres) {
      if (c.length != d) {
        throw new IllegalArgumentException(
            "ModeCoverage.evaluate: centres have different sizes " + d + " and " + c.length);
      }
    }
    if (!(radius > 0)) {
      throw new IllegalArgumentException(
          "ModeCoverage.evaluate: radius must be positive, got " + radius);
    }
    double[] p = points.detach().toDoubleArray();
    int n = (int) points.shape()[0];
    int[] counts = new int[centres.length];
    int outliers = 0;
    double r2 = radius * radius;
    for (int i = 0; i < n; i++) {
      int best = -1;
      double bestD2 = Double.POSITIVE_INFINITY;
      for (int k = 0; k < centres.length; k++) {
        double d2 = 0;
        for (int c = 0; c < d; c++) {
          double diff = p[i * d + c] - centres[k][c];
          d2 += diff * diff;
        }
        if (d2 < bestD2) {
          bestD2 = d2;
          best = k;
        }
      }
      if (bestD2 <= r2) {
        counts[best]++;
      } else {
        outliers++;
      }
    }
    return new Result(counts, outliers, n);
  }
}
