package dev.residual.rl.env;

import java.util.Map;

/**
 * What {@link Env#step} returns.
 *
 * @param observation the observation after the action
 * @param reward the reward for the transition
 * @param terminated whether a terminal state of the MDP was reached (no bootstrapping)
 * @param truncated whether the episode was cut short, e.g. by a time limit (bootstrap)
 * @param info auxiliary diagnostics (never null)
 */
public record StepResult<O>(
    O observation, double reward, boolean terminated, boolean truncated, Map<String, Object> info) {
  /** Whether the episode is over, for either reason. */
  public boolean done() {
    return terminated || truncated;
  }
}
