package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/**
 * An agent for a k-armed bandit: it picks an arm, sees the reward, learns.
 *
 * <p>Life-cycle: {@link #reset(int)} (required before the first {@link #act}) forgets everything
 * and sizes the agent for {@code k} arms; then, each step, {@link #act} picks an arm in {@code [0,
 * k)} and {@link #update} is told the reward. All of the agent's randomness (exploration, tie
 * breaks, sampling) comes from the generator passed to {@code act}, so a run is reproducible from
 * the generator's seed. Agents are not thread-safe.
 */
public interface BanditAgent {
  /**
   * Forgets everything learned and prepares for a bandit with {@code k} arms.
   *
   * @throws IllegalArgumentException if {@code k < 1}
   */
  void reset(int k);

  /**
   * Chooses an arm in {@code [0, k)}.
   *
   * @throws IllegalStateException if {@link #reset} has not been called
   */
  int act(Generator g);

  /**
   * Learns from pulling {@code action} and receiving {@code reward}.
   *
   * @throws IllegalArgumentException if {@code action} is not in {@code [0, k)}
   * @throws IllegalStateException if {@link #reset} has not been called
   */
  void update(int action, double reward);
}
