/**
 * Reinforcement learning: Gymnasium-style environments and spaces, vector environments, bandits,
 * tabular methods, DQN, PPO and RLHF of Residual's own transformers.
 *
 * <p>Not yet implemented: this module will be filled by the reinforcement-learning issues. It
 * depends on {@code core-tensor} (and {@code transformer} for RLHF).
 */
package dev.residual.rl;
