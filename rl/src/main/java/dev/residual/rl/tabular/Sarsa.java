package dev.residual.rl.tabular;

/**
 * SARSA, on-policy TD control (Sutton &amp; Barto §6.4): {@code Q(s, a) += α (r + γ Q(s', a') −
 * Q(s, a))}, where {@code a'} is the ε-greedy action the agent then takes in {@code s'}.
 *
 * <p>See {@link TdAgent} for the shapes, the exploration and the seeding.
 */
public final class Sarsa extends TdAgent {
  /**
   * A fresh agent with {@code Q} of shape {@code [numStates, numActions]} filled with {@code
   * config.initialQ()}.
   *
   * @throws IllegalArgumentException if a size is below 1 or {@code config} is null
   */
  public Sarsa(int numStates, int numActions, TdConfig config, long seed) {
    super(numStates, numActions, config, seed);
  }

  @Override
  public String name() {
    return "SARSA";
  }

  @Override
  protected boolean needsNextAction() {
    return true;
  }

  @Override
  protected double bootstrap(int nextState, int nextAction) {
    return q()[nextState][nextAction];
  }
}
