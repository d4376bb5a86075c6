package dev.residual.rl.env;

import java.util.List;

/**
 * A finite MDP with known dynamics, for planning: Gymnasium's {@code P[s][a]} tables of {@code
 * (probability, next state, reward, terminated)}. States are {@code 0 … numStates() - 1}, actions
 * {@code 0 … numActions() - 1}; the probabilities of one {@code (s, a)} sum to 1. A terminal state
 * is absorbing: planning treats its value as 0.
 */
public interface FiniteMdp {
  /** The number of states. */
  int numStates();

  /** The number of actions (the same in every state). */
  int numActions();

  /** The outcomes of taking {@code action} in {@code state}. */
  List<Transition> transitions(int state, int action);

  /** Whether {@code state} is terminal (absorbing, value 0). */
  boolean isTerminal(int state);

  /**
   * One outcome.
   *
   * @param probability its probability, in {@code (0, 1]}
   * @param nextState the state reached
   * @param reward the reward on this transition
   * @param terminated whether {@code nextState} ends the episode
   */
  record Transition(double probability, int nextState, double reward, boolean terminated) {}
}
