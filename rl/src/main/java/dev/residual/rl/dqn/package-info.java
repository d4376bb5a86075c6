/**
 * Deep Q-networks: {@link dev.residual.rl.dqn.Dqn} (CleanRL's {@code dqn.py}), its {@link
 * dev.residual.rl.dqn.QNetwork}, {@link dev.residual.rl.dqn.ReplayBuffer} and {@link
 * dev.residual.rl.dqn.DqnConfig} with CleanRL's and ARENA's presets.
 */
package dev.residual.rl.dqn;
