/**
 * Small tabular environments, each both playable (an {@link dev.residual.rl.env.Env} over {@code
 * Discrete} states and actions) and a {@link dev.residual.rl.env.FiniteMdp} with its exact tables
 * for planning: {@link dev.residual.rl.env.toytext.CliffWalking} and {@link
 * dev.residual.rl.env.toytext.FrozenLake} (ports of Gymnasium's toy-text environments), the 4x3
 * {@link dev.residual.rl.env.toytext.Gridworld} of Russell &amp; Norvig and the {@link
 * dev.residual.rl.env.toytext.ThreeStateMdp}, all built on {@link
 * dev.residual.rl.env.toytext.TabularEnv}. {@link dev.residual.rl.env.toytext.GridPlots} draws
 * value functions and policies of the grid ones.
 *
 * <p>Grid states are numbered row-major from the top row. Planning algorithms, agents, time limits
 * and the registry of environment ids are not here.
 */
package dev.residual.rl.env.toytext;
