package dev.residual.rl.bandit;

import java.util.Arrays;

/**
 * An agent that keeps action-value estimates {@code Q(a)} and pull counts {@code N(a)}, updated
 * incrementally (Sutton and Barto, section 2.4): {@code Q(a) += β (R - Q(a))} with {@code β = 1 /
 * N(a)} (sample averages: Q is exactly the mean of the rewards seen, and the initial value is
 * forgotten after the first pull) or a constant step size {@code β = α} (an exponential
 * recency-weighted average, suited to non-stationary problems, where the initial value {@code Q1}
 * fades as {@code (1 - α)^n}).
 */
public abstract class ActionValueAgent implements BanditAgent {
  /** The step size meaning "sample averages" ({@code 1 / N(a)}). */
  public static final double SAMPLE_AVERAGE = 0.0;

  private final double stepSize;
  private final double initialValue;

  /** The estimates {@code Q(a)}, {@code [k]}; null before reset. */
  protected double[] q;

  /** The pull counts {@code N(a)}, {@code [k]}; null before reset. */
  protected long[] n;

  /** The number of updates since reset. */
  protected long t;

  /**
   * @param stepSize {@link #SAMPLE_AVERAGE} (0) or a constant {@code α} in {@code (0, 1]}
   * @param initialValue {@code Q1}, the estimate of every arm after reset
   * @throws IllegalArgumentException if {@code stepSize} is not in {@code [0, 1]} or {@code
   *     initialValue} is not finite
   */
  protected ActionValueAgent(double stepSize, double initialValue) {
    String name = getClass().getSimpleName();
    if (!(stepSize >= 0 && stepSize <= 1)) {
      throw new IllegalArgumentException(
          name + ": step size must be in [0, 1] (0 = sample averages), got " + stepSize);
    }
    if (!Double.isFinite(initialValue)) {
      throw new IllegalArgumentException(
          name + ": initial value must be finite, got " + initialValue);
    }
    this.stepSize = stepSize;
    this.initialValue = initialValue;
  }

  @Override
  public void reset(int k) {
    if (k < 1) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + ".reset: k must be >= 1, got " + k);
    }
    q = new double[k];
    Arrays.fill(q, initialValue);
    n = new long[k];
    t = 0;
  }

  @Override
  public void update(int action, double reward) {
    requireReset("update");
    if (action < 0 || action >= q.length) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + ".update: action "
              + action
              + " is not in [0, "
              + q.length
              + ")");
    }
    n[action]++;
    t++;
    double beta = stepSize == SAMPLE_AVERAGE ? 1.0 / n[action] : stepSize;
    q[action] += beta * (reward - q[action]);
  }

  /** Throws {@link IllegalStateException} naming {@code op} if {@link #reset} was never called. */
  protected final void requireReset(String op) {
    if (q == null) {
      throw new IllegalStateException(
          getClass().getSimpleName() + "." + op + ": call reset(k) first");
    }
  }

  /** A copy of the estimates {@code Q(a)}, {@code [k]}. */
  public double[] estimates() {
    requireReset("estimates");
    return q.clone();
  }

  /** A copy of the pull counts {@code N(a)}, {@code [k]}. */
  public long[] counts() {
    requireReset("counts");
    return n.clone();
  }

  /** The constant step size, or {@link #SAMPLE_AVERAGE}. */
  public double stepSize() {
    return stepSize;
  }

  /** The initial estimate {@code Q1}. */
  public double initialValue() {
    return initialValue;
  }
}
