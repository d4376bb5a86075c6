/**
 * Tabular reinforcement learning: dynamic programming on known MDPs and one-step TD control.
 *
 * <ul>
 *   <li>{@link dev.residual.rl.tabular.Planning}: iterative (in-place or synchronous) and exact (LU
 *       solve) policy evaluation, Q from V, greedy improvement, policy iteration and value
 *       iteration over a {@link dev.residual.rl.env.FiniteMdp}.
 *   <li>{@link dev.residual.rl.tabular.TdAgent} and its three methods {@link
 *       dev.residual.rl.tabular.Sarsa}, {@link dev.residual.rl.tabular.QLearning} and {@link
 *       dev.residual.rl.tabular.ExpectedSarsa} with ε-greedy exploration ({@link
 *       dev.residual.rl.tabular.TdConfig}), for {@code Env<Integer, Integer>} environments with
 *       {@code Discrete} spaces.
 *   <li>{@link dev.residual.rl.tabular.TabularExperiments}: Sutton &amp; Barto's example 6.6
 *       comparison (figure 6.4) and value iteration beside policy iteration. Value and policy
 *       pictures of grid worlds are {@code dev.residual.rl.env.toytext.GridPlots}.
 * </ul>
 *
 * <p>Shapes: {@code V} is {@code double[numStates]}, {@code Q} is {@code
 * double[numStates][numActions]}, a deterministic policy {@code int[numStates]}, a stochastic one
 * {@code double[numStates][numActions]}. Everything is in {@code double}.
 *
 * <p>Not here: the environments themselves (CliffWalking, FrozenLake, the gridworlds live in {@code
 * dev.residual.rl.env}), bandits, n-step and eligibility-trace methods, function approximation and
 * DQN.
 */
package dev.residual.rl.tabular;
