package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/**
 * The gradient bandit algorithm (Sutton and Barto, section 2.8): numerical preferences {@code
 * H(a)}, all 0 after reset, and a soft-max policy {@code π(a) = exp(H(a)) / Σ_b exp(H(b))} from
 * which each action is sampled. After receiving {@code R} for action {@code A}:
 *
 * <pre>
 *   H(A) += α (R - R̄) (1 - π(A))
 *   H(a) -= α (R - R̄) π(a)        for every a ≠ A
 * </pre>
 *
 * with {@code π} the policy the action was drawn from and {@code R̄} the baseline: the average of
 * all rewards up to and including this one (as the book's equation 2.12 and its reference code), or
 * 0 without baseline.
 */
public final class GradientBandit implements BanditAgent {
  private final double alpha;
  private final boolean baseline;
  private double[] h;
  private double[] pi;
  private double averageReward;
  private long t;

  /**
   * @param alpha the step size, {@code > 0}
   * @param baseline whether to subtract the running average reward
   * @throws IllegalArgumentException if {@code alpha} is not positive and finite
   */
  public GradientBandit(double alpha, boolean baseline) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException(
          "GradientBandit: alpha must be positive and finite, got " + alpha);
    }
    this.alpha = alpha;
    this.baseline = baseline;
  }

  @Override
  public void reset(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("GradientBandit.reset: k must be >= 1, got " + k);
    }
    h = new double[k];
    pi = new double[k];
    averageReward = 0;
    t = 0;
    softmax();
  }

  /** Recomputes {@code π = softmax(H)}, shifting by {@code max H} so exp cannot overflow. */
  private void softmax() {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : h) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int a = 0; a < h.length; a++) {
      pi[a] = Math.exp(h[a] - max);
      sum += pi[a];
    }
    for (int a = 0; a < h.length; a++) {
      pi[a] /= sum;
    }
  }

  @Override
  public int act(Generator g) {
    requireReset("act");
    double u = g.nextDouble();
    double cum = 0;
    for (int a = 0; a < pi.length; a++) {
      cum += pi[a];
      if (u < cum) {
        return a;
      }
    }
    // Rounding can leave the cumulative sum a hair below 1; the last arm with mass takes the rest.
    for (int a = pi.length - 1; a > 0; a--) {
      if (pi[a] > 0) {
        return a;
      }
    }
    return 0;
  }

  @Override
  public void update(int action, double reward) {
    requireReset("update");
    if (action < 0 || action >= h.length) {
      throw new IllegalArgumentException(
          "GradientBandit.update: action " + action + " is not in [0, " + h.length + ")");
    }
    t++;
    averageReward += (reward - averageReward) / t;
    double step = alpha * (reward - (baseline ? averageReward : 0.0));
    for (int a = 0; a < h.length; a++) {
      h[a] -= step * pi[a];
    }
    h[action] += step;
    softmax();
  }

  private void requireReset(String op) {
    if (h == null) {
      throw new IllegalStateException("GradientBandit." + op + ": call reset(k) first");
    }
  }

  /** A copy of the preferences {@code H(a)}, {@code [k]}. */
  public double[] preferences() {
    requireReset("preferences");
    return h.clone();
  }

  /** A copy of the current policy {@code π(a) = softmax(H)(a)}, {@code [k]}. */
  public double[] probabilities() {
    requireReset("probabilities");
    return pi.clone();
  }

  /** The average of all rewards seen since reset (the baseline when it is on). */
  public double averageReward() {
    return averageReward;
  }

  /** The step size α. */
  public double alpha() {
    return alpha;
  }

  /** Whether the baseline is subtracted. */
  public boolean hasBaseline() {
    return baseline;
  }

  @Override
  public String toString() {
    return "GradientBandit(alpha=" + alpha + (baseline ? ", baseline" : ", no baseline") + ")";
  }
}
