package dev.residual.rl.tabular;

/**
 * Expected SARSA (Sutton &amp; Barto §6.6): {@code Q(s, a) += α (r + γ Σ_a' π(a'|s') Q(s', a') −
 * Q(s, a))} with {@code π} the agent's current ε-greedy policy, i.e. {@code (1 − ε) max Q(s', ·) +
 * ε mean Q(s', ·)}.
 *
 * <p>See {@link TdAgent} for the shapes, the exploration and the seeding.
 */
public final class ExpectedSarsa extends TdAgent {
  /**
   * A fresh agent with {@code Q} of shape {@code [numStates, numActions]} filled with {@code
   * config.initialQ()}.
   *
   * @throws IllegalArgumentException if a size is below 1 or {@code config} is null
   */
  public ExpectedSarsa(int numStates, int numActions, TdConfig config, long seed) {
    super(numStates, numActions, config, seed);
  }

  @Override
  public String name() {
    return "Expected SARSA";
  }

  @Override
  protected boolean needsNextAction() {
    return false;
  }

  @Override
  protected double bootstrap(int nextState, int nextAction) {
    return expectedQ(nextState);
  }
}
