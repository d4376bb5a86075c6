/**
 * The {@code residual rl} commands: the bandit testbed, tabular planning and control, and DQN, each
 * recorded as a run with its figures ({@link dev.residual.examples.rl.RlCommand}).
 */
package dev.residual.examples.rl;
