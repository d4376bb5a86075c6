package dev.residual.rl.env.toytext;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.FiniteMdp;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.tensor.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An environment defined by its tables (Gymnasium's {@code DiscreteEnv} pattern, used by its toy
 * text environments): {@code P[s][a]} lists of {@link FiniteMdp.Transition}s and an initial-state
 * distribution. It is both a playable {@link dev.residual.rl.env.Env} over {@code Discrete}
 * observations and actions and a {@link FiniteMdp} for planning, and the two always agree, because
 * {@link #step} samples the very table {@link #transitions} returns.
 *
 * <p>{@code reset} draws the start state from the initial distribution and {@code step} draws one
 * outcome of {@code P[s][a]}, each with one {@code rng().nextDouble()} (Gymnasium's {@code
 * categorical_sample}: the first outcome whose cumulative probability exceeds the draw). Reset's
 * info is {@code {"prob": 1.0}}, step's {@code {"prob": p}} with {@code p} the probability of the
 * outcome taken, as in Gymnasium. {@code truncated} is always false; time limits are a wrapper's
 * business.
 *
 * <p>Use {@link #fromMatrices} to build one from dense {@code T[s][a][s']} and {@code R[s][a][s']}
 * arrays, or subclass it (as {@link CliffWalking}, {@link FrozenLake} and {@link Gridworld} do) to
 * add a layout and a picture.
 */
public class TabularEnv extends AbstractEnv<Integer, Integer> implements FiniteMdp {
  private static final double PROBABILITY_TOLERANCE = 1e-9;

  private final int numStates;
  private final int numActions;
  private final List<List<List<Transition>>> table;
  private final double[] initial;
  private final boolean[] terminal;
  private final Discrete observationSpace;
  private final Discrete actionSpace;
  private int state = -1;
  private int lastAction = -1;

  /**
   * @param table {@code P[s][a]}: for every state and action a non-empty list of outcomes whose
   *     probabilities are in {@code (0, 1]} and sum to 1 (within 1e-9); copied
   * @param initialDistribution the start-state probabilities, {@code [numStates]}, summing to 1;
   *     copied
   * @param terminal which states are terminal, {@code [numStates]}; copied
   * @throws IllegalArgumentException when the table is empty or ragged, a probability or next state
   *     is out of range, a row does not sum to 1, or the other arrays have the wrong length
   */
  public TabularEnv(
      List<List<List<Transition>>> table, double[] initialDistribution, boolean[] terminal) {
    String name = getClass().getSimpleName();
    if (table == null || table.isEmpty() || table.get(0).isEmpty()) {
      throw new IllegalArgumentException(name + ": the table needs at least one state and action");
    }
    this.numStates = table.size();
    this.numActions = table.get(0).size();
    List<List<List<Transition>>> copy = new ArrayList<>(numStates);
    for (int s = 0; s < numStates; s++) {
      List<List<Transition>> row = table.get(s);
      if (row == null || row.size() != numActions) {
        throw new IllegalArgumentException(
            name
                + ": state "
                + s
                + " has "
                + (row == null ? 0 : row.size())
                + " actions, state 0 has "
                + numActions);
      }
      List<List<Transition>> rowCopy = new ArrayList<>(numActions);
      for (int a = 0; a < numActions; a++) {
        rowCopy.add(List.copyOf(checkOutcomes(name, s, a, row.get(a), numStates)));
      }
      copy.add(List.copyOf(rowCopy));
    }
    this.table = List.copyOf(copy);
    if (initialDistribution == null || initialDistribution.length != numStates) {
      throw new IllegalArgumentException(
          name
              + ": initial distribution has length "
              + (initialDistribution == null ? 0 : initialDistribution.length)
              + ", expected numStates = "
              + numStates);
    }
    double sum = 0;
    for (int s = 0; s < numStates; s++) {
      double p = initialDistribution[s];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(
            name + ": initial probability of state " + s + " is " + p + ", not in [0, 1]");
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
      throw new IllegalArgumentException(
          name + ": initial distribution sums to " + sum + ", not 1");
    }
    if (terminal == null || terminal.length != numStates) {
      throw new IllegalArgumentException(
          name
              + ": terminal flags have length "
              + (terminal == null ? 0 : terminal.length)
              + ", expected numStates = "
              + numStates);
    }
    this.initial = initialDistribution.clone();
    this.terminal = terminal.clone();
    this.observationSpace = new Discrete(numStates);
    this.actionSpace = new Discrete(numActions);
  }

  private static List<Transition> checkOutcomes(
      String name, int s, int a, List<Transition> outcomes, int numStates) {
    if (outcomes == null || outcomes.isEmpty()) {
      throw new IllegalArgumentException(name + ": P[" + s + "][" + a + "] has no outcomes");
    }
    double sum = 0;
    for (Transition t : outcomes) {
      if (!(t.probability() > 0 && t.probability() <= 1)) {
        throw new IllegalArgumentException(
            name
                + ": P["
                + s
                + "]["
                + a
                + "] has probability "
                + t.probability()
                + " (need (0, 1])");
      }
      if (t.nextState() < 0 || t.nextState() >= numStates) {
        throw new IllegalArgumentException(
            name
                + ": P["
                + s
                + "]["
                + a
                + "] leads to state "
                + t.nextState()
                + ", not in [0, "
                + numStates
                + ")");
      }
      sum += t.probability();
    }
    if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
      throw new IllegalArgumentException(
          name + ": P[" + s + "][" + a + "] probabilities sum to " + sum + ", not 1");
    }
    return outcomes;
  }

  /**
   * An environment from dense tables. Outcomes of {@code (s, a)} are the next states {@code s'}
   * with {@code T[s][a][s'] > 0}, in increasing order, with reward {@code R[s][a][s']} and {@code
   * terminated = terminal[s']}. The rows of a terminal state are replaced by the absorbing {@code
   * (1, s, 0, true)}, as Gymnasium's FrozenLake does.
   *
   * @param transitionProbs {@code T}, {@code [numStates][numActions][numStates]}
   * @param rewards {@code R}, same shape
   * @param terminal which states are terminal, {@code [numStates]}
   * @param initialDistribution start-state probabilities, {@code [numStates]}
   * @throws IllegalArgumentException when a shape disagrees, or as the constructor
   */
  public static TabularEnv fromMatrices(
      double[][][] transitionProbs,
      double[][][] rewards,
      boolean[] terminal,
      double[] initialDistribution) {
    return new TabularEnv(
        tableFromMatrices(transitionProbs, rewards, terminal), initialDistribution, terminal);
  }

  /** The {@code P[s][a]} lists of {@link #fromMatrices}; shapes are checked here. */
  static List<List<List<Transition>>> tableFromMatrices(
      double[][][] transitionProbs, double[][][] rewards, boolean[] terminal) {
    if (transitionProbs == null
        || rewards == null
        || terminal == null
        || transitionProbs.length == 0
        || transitionProbs[0].length == 0) {
      throw new IllegalArgumentException(
          "TabularEnv.fromMatrices: T, R and terminal must be non-null and non-empty");
    }
    int ns = transitionProbs.length;
    int na = transitionProbs[0].length;
    if (rewards.length != ns || terminal.length != ns) {
      throw new IllegalArgumentException(
          "TabularEnv.fromMatrices: T has "
              + ns
              + " states but R has "
              + rewards.length
              + " and terminal "
              + terminal.length);
    }
    List<List<List<Transition>>> table = new ArrayList<>(ns);
    for (int s = 0; s < ns; s++) {
      if (transitionProbs[s].length != na || rewards[s].length != na) {
        throw new IllegalArgumentException(
            "TabularEnv.fromMatrices: state "
                + s
                + " has "
                + transitionProbs[s].length
                + " actions in T and "
                + rewards[s].length
                + " in R, expected "
                + na);
      }
      List<List<Transition>> row = new ArrayList<>(na);
      for (int a = 0; a < na; a++) {
        if (terminal[s]) {
          row.add(List.of(new Transition(1.0, s, 0.0, true)));
          continue;
        }
        double[] t = transitionProbs[s][a];
        double[] r = rewards[s][a];
        if (t.length != ns || r.length != ns) {
          throw new IllegalArgumentException(
              "TabularEnv.fromMatrices: T["
                  + s
                  + "]["
                  + a
                  + "] has length "
                  + t.length
                  + " and R["
                  + s
                  + "]["
                  + a
                  + "] "
                  + r.length
                  + ", expected "
                  + ns);
        }
        List<Transition> outcomes = new ArrayList<>();
        for (int next = 0; next < ns; next++) {
          if (t[next] > 0) {
            outcomes.add(new Transition(t[next], next, r[next], terminal[next]));
          }
        }
        row.add(outcomes);
      }
      table.add(row);
    }
    return table;
  }

  @Override
  public final int numStates() {
    return numStates;
  }

  @Override
  public final int numActions() {
    return numActions;
  }

  /**
   * {@code P[state][action]}, an unmodifiable list.
   *
   * @throws IllegalArgumentException when the state or action is out of range
   */
  @Override
  public final List<Transition> transitions(int state, int action) {
    if (state < 0 || state >= numStates || action < 0 || action >= numActions) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + ".transitions: state "
              + state
              + " / action "
              + action
              + " out of range (numStates "
              + numStates
              + ", numActions "
              + numActions
              + ")");
    }
    return table.get(state).get(action);
  }

  /**
   * @throws IllegalArgumentException when the state is out of range
   */
  @Override
  public final boolean isTerminal(int state) {
    if (state < 0 || state >= numStates) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + ".isTerminal: state "
              + state
              + " out of range [0, "
              + numStates
              + ")");
    }
    return terminal[state];
  }

  /** The start-state distribution (a copy). */
  public final double[] initialDistribution() {
    return initial.clone();
  }

  /** The current state (the last observation), or -1 before the first reset. */
  public final int state() {
    return state;
  }

  /** The last action taken in this episode, or -1 right after a reset. */
  public final int lastAction() {
    return lastAction;
  }

  @Override
  public final Discrete observationSpace() {
    return observationSpace;
  }

  @Override
  public final Discrete actionSpace() {
    return actionSpace;
  }

  @Override
  protected ResetResult<Integer> doReset(Map<String, Object> options) {
    state = sample(initial, rng());
    lastAction = -1;
    return new ResetResult<>(state, Map.of("prob", 1.0));
  }

  @Override
  protected StepResult<Integer> doStep(Integer action) {
    List<Transition> outcomes = table.get(state).get(action);
    double u = rng().nextDouble();
    double cum = 0;
    Transition taken = outcomes.get(outcomes.size() - 1);
    for (Transition t : outcomes) {
      cum += t.probability();
      if (cum > u) {
        taken = t;
        break;
      }
    }
    state = taken.nextState();
    lastAction = action;
    return new StepResult<>(
        state, taken.reward(), taken.terminated(), false, Map.of("prob", taken.probability()));
  }

  /** The index drawn from {@code probs} with one uniform draw (first cumulative sum above it). */
  private static int sample(double[] probs, Generator g) {
    double u = g.nextDouble();
    double cum = 0;
    int last = 0;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] > 0) {
        cum += probs[i];
        last = i;
        if (cum > u) {
          return i;
        }
      }
    }
    return last;
  }
}
