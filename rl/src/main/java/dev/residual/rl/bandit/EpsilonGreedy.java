package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/**
 * ε-greedy action selection over action-value estimates (Sutton and Barto, sections 2.2 to 2.6):
 * with probability ε an arm uniformly at random (possibly the greedy one), otherwise the arm of
 * largest estimate with ties broken uniformly at random. ε = 0 is the greedy agent; an initial
 * value {@code Q1} above every plausible reward gives optimistic initial values (figure 2.3).
 * Estimates are sample averages or constant-step-size averages, see {@link ActionValueAgent}.
 */
public final class EpsilonGreedy extends ActionValueAgent {
  private final double epsilon;

  /**
   * @param epsilon the exploration probability, in {@code [0, 1]}
   * @param stepSize {@link #SAMPLE_AVERAGE} (0) or a constant α in {@code (0, 1]}
   * @param initialValue the initial estimate {@code Q1} of every arm
   * @throws IllegalArgumentException if {@code epsilon} is not in {@code [0, 1]}, or as {@link
   *     ActionValueAgent}
   */
  public EpsilonGreedy(double epsilon, double stepSize, double initialValue) {
    super(stepSize, initialValue);
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException(
          "EpsilonGreedy: epsilon must be in [0, 1], got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  /** ε-greedy with sample averages and {@code Q1 = 0} (figure 2.2). */
  public static EpsilonGreedy sampleAverage(double epsilon) {
    return new EpsilonGreedy(epsilon, SAMPLE_AVERAGE, 0.0);
  }

  /** ε-greedy with constant step size {@code alpha} and initial value {@code q1} (figure 2.3). */
  public static EpsilonGreedy constantStep(double epsilon, double alpha, double q1) {
    if (!(alpha > 0)) {
      throw new IllegalArgumentException(
          "EpsilonGreedy.constantStep: alpha must be in (0, 1], got " + alpha);
    }
    return new EpsilonGreedy(epsilon, alpha, q1);
  }

  @Override
  public int act(Generator g) {
    requireReset("act");
    // Only draw the exploration coin when it can matter, so greedy runs use fewer random numbers.
    if (epsilon > 0 && g.nextDouble() < epsilon) {
      return g.nextInt(q.length);
    }
    return Argmax.randomTieBreak(q, g);
  }

  /** The exploration probability ε. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public String toString() {
    return "EpsilonGreedy(epsilon="
        + epsilon
        + (stepSize() == SAMPLE_AVERAGE ? ", sample averages" : ", alpha=" + stepSize())
        + ", Q1="
        + initialValue()
        + ")";
  }
}
