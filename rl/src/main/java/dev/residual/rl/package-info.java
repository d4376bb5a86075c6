/**
 * Reinforcement learning on the JVM, in Gymnasium's and CleanRL's terms.
 *
 * <ul>
 *   <li>{@code env}: the {@code Env} contract (Gymnasium 1.x {@code reset}/{@code step}, {@code
 *       terminated} apart from {@code truncated}), spaces, wrappers ({@code TimeLimit}, {@code
 *       RecordEpisodeStatistics}, {@code RecordVideo}, transforms), {@code SyncVectorEnv} with both
 *       autoreset modes, the registry {@code Envs.make("CartPole-v1")}, CartPole-v1 (exact), the
 *       probe environments, the k-armed bandit testbed, CliffWalking, FrozenLake, the 4x3 gridworld
 *       and a 3-state MDP (the last four also as {@code FiniteMdp} tables).
 *   <li>{@code bandit}: ε-greedy, UCB, gradient bandits and the Sutton &amp; Barto testbed.
 *   <li>{@code tabular}: planning (policy evaluation, policy and value iteration) and SARSA,
 *       Q-learning, Expected SARSA.
 *   <li>{@code dqn}: deep Q-networks as CleanRL's {@code dqn.py}.
 * </ul>
 *
 * <p>Not yet here: PPO and RLHF of Residual's transformers (later issues).
 */
package dev.residual.rl;
