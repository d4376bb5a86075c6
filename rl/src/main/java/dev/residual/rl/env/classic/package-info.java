/**
 * Gymnasium's classic-control environments, ported exactly (same constants, same integration, same
 * termination rules): {@link dev.residual.rl.env.classic.CartPole} and its raw-speed measurement
 * {@link dev.residual.rl.env.classic.CartPoleSpeed}.
 *
 * <p>Not here: time limits (a {@link dev.residual.rl.env.wrappers.TimeLimit} applied by {@link
 * dev.residual.rl.env.Envs#make(String)}), toy-text grid worlds and bandits, agents.
 */
package dev.residual.rl.env.classic;
