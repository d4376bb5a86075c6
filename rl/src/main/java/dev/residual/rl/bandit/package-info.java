/**
 * Agents for multi-armed bandits (Sutton and Barto, chapter 2) and the testbed that averages them
 * over many independent bandit problems.
 *
 * <p>Every agent implements {@link dev.residual.rl.bandit.BanditAgent}: {@link
 * dev.residual.rl.bandit.RandomAgent}, {@link dev.residual.rl.bandit.EpsilonGreedy} (sample
 * averages or a constant step size, optimistic initial values), {@link dev.residual.rl.bandit.Ucb},
 * {@link dev.residual.rl.bandit.GradientBandit} (with or without baseline) and {@link
 * dev.residual.rl.bandit.Cheater}. {@link dev.residual.rl.bandit.Testbed} runs them on fresh {@link
 * dev.residual.rl.env.bandit.KArmedBandit}s and {@link dev.residual.rl.bandit.BanditExperiments}
 * reproduces the book's figures 2.2 to 2.5.
 *
 * <p>Agents are plain Java loops over {@code double[k]}: no tensors. The environments themselves
 * live in {@code dev.residual.rl.env.bandit}.
 */
package dev.residual.rl.bandit;
