package dev.residual.rl.tabular;

/**
 * Q-learning, off-policy TD control (Sutton &amp; Barto §6.5): {@code Q(s, a) += α (r + γ max_a'
 * Q(s', a') − Q(s, a))}; it learns the greedy policy's values while behaving ε-greedily.
 *
 * <p>See {@link TdAgent} for the shapes, the exploration and the seeding.
 */
public final class QLearning extends TdAgent {
  /**
   * A fresh agent with {@code Q} of shape {@code [numStates, numActions]} filled with {@code
   * config.initialQ()}.
   *
   * @throws IllegalArgumentException if a size is below 1 or {@code config} is null
   */
  public QLearning(int numStates, int numActions, TdConfig config, long seed) {
    super(numStates, numActions, config, seed);
  }

  @Override
  public String name() {
    return "Q-learning";
  }

  @Override
  protected boolean needsNextAction() {
    return false;
  }

  @Override
  protected double bootstrap(int nextState, int nextAction) {
    return maxQ(nextState);
  }
}
