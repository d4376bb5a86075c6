/**
 * Multi-armed bandit environments: {@link dev.residual.rl.env.bandit.KArmedBandit}, the k-armed
 * testbed of Sutton and Barto (chapter 2), stationary or with random-walking arm means.
 *
 * <p>The agents that play bandits and the testbed that averages them over many runs live in {@code
 * dev.residual.rl.bandit}, not here.
 */
package dev.residual.rl.env.bandit;
