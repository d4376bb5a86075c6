package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/**
 * Upper-confidence-bound action selection (Sutton and Barto, section 2.7, equation 2.10): every arm
 * not yet pulled is taken first (uniformly at random among them, since {@code N(a) = 0} makes it a
 * maximizing action); afterwards {@code argmax_a Q(a) + c sqrt(ln t / N(a))}, where {@code t} is
 * the current time step counted from 1 (the number of updates so far plus one), ties broken
 * uniformly at random. Estimates are sample averages (as in figure 2.4) unless a constant step size
 * is given.
 */
public final class Ucb extends ActionValueAgent {
  private final double c;
  private double[] scores;
  private int[] untried;

  /**
   * UCB with sample-average estimates and {@code Q1 = 0}.
   *
   * @param c the degree of exploration, {@code >= 0}
   * @throws IllegalArgumentException if {@code c} is negative or not finite
   */
  public Ucb(double c) {
    this(c, SAMPLE_AVERAGE, 0.0);
  }

  /**
   * UCB with the given estimate updates.
   *
   * @param c the degree of exploration, {@code >= 0}
   * @param stepSize {@link #SAMPLE_AVERAGE} (0) or a constant α in {@code (0, 1]}
   * @param initialValue the initial estimate {@code Q1}
   * @throws IllegalArgumentException if {@code c} is negative or not finite, or as {@link
   *     ActionValueAgent}
   */
  public Ucb(double c, double stepSize, double initialValue) {
    super(stepSize, initialValue);
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("Ucb: c must be finite and >= 0, got " + c);
    }
    this.c = c;
  }

  @Override
  public void reset(int k) {
    super.reset(k);
    scores = new double[k];
    untried = new int[k];
  }

  @Override
  public int act(Generator g) {
    requireReset("act");
    int k = q.length;
    int m = 0;
    for (int a = 0; a < k; a++) {
      if (n[a] == 0) {
        untried[m++] = a;
      }
    }
    if (m > 0) {
      return m == 1 ? untried[0] : untried[g.nextInt(m)];
    }
    double lnT = Math.log(t + 1);
    for (int a = 0; a < k; a++) {
      scores[a] = q[a] + c * Math.sqrt(lnT / n[a]);
    }
    return Argmax.randomTieBreak(scores, g);
  }

  /** The exploration degree {@code c}. */
  public double c() {
    return c;
  }

  @Override
  public String toString() {
    return "Ucb(c=" + c + ")";
  }
}
