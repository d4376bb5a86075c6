package dev.residual.rl.tabular;

/**
 * The hyperparameters of a one-step temporal-difference control agent ({@link TdAgent}).
 *
 * <p>Exploration is ε-greedy. After every training episode {@code ε ← max(epsilonMin, ε ·
 * epsilonDecay)}; {@code epsilonDecay = 1} (the default of {@link #of}) keeps ε constant.
 *
 * @param alpha the step size α, in {@code (0, 1]}
 * @param gamma the discount γ, in {@code [0, 1]}
 * @param epsilon the initial exploration rate ε, in {@code [0, 1]}
 * @param epsilonDecay the multiplicative decay of ε per episode, in {@code (0, 1]}
 * @param epsilonMin the floor of the decayed ε, in {@code [0, epsilon]}
 * @param initialQ the value every entry of Q starts at (finite; 0 in {@link #of})
 */
public record TdConfig(
    double alpha,
    double gamma,
    double epsilon,
    double epsilonDecay,
    double epsilonMin,
    double initialQ) {

  /**
   * Checks the ranges above.
   *
   * @throws IllegalArgumentException naming the first parameter out of range
   */
  public TdConfig {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("TdConfig: alpha must be in (0, 1], got " + alpha);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("TdConfig: gamma must be in [0, 1], got " + gamma);
    }
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("TdConfig: epsilon must be in [0, 1], got " + epsilon);
    }
    if (!(epsilonDecay > 0 && epsilonDecay <= 1)) {
      throw new IllegalArgumentException(
          "TdConfig: epsilonDecay must be in (0, 1], got " + epsilonDecay);
    }
    if (!(epsilonMin >= 0 && epsilonMin <= epsilon)) {
      throw new IllegalArgumentException(
          "TdConfig: epsilonMin must be in [0, epsilon = " + epsilon + "], got " + epsilonMin);
    }
    if (!Double.isFinite(initialQ)) {
      throw new IllegalArgumentException("TdConfig: initialQ must be finite, got " + initialQ);
    }
  }

  /** Constant ε, Q initialised to 0. */
  public static TdConfig of(double alpha, double gamma, double epsilon) {
    return new TdConfig(alpha, gamma, epsilon, 1.0, 0, 0);
  }

  /** This configuration with ε decaying by {@code decay} per episode down to {@code min}. */
  public TdConfig withEpsilonDecay(double decay, double min) {
    return new TdConfig(alpha, gamma, epsilon, decay, min, initialQ);
  }

  /** This configuration with Q initialised to {@code q} (optimistic when large). */
  public TdConfig withInitialQ(double q) {
    return new TdConfig(alpha, gamma, epsilon, epsilonDecay, epsilonMin, q);
  }
}
