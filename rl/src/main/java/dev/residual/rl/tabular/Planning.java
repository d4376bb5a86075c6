package dev.residual.rl.tabular;

import dev.residual.rl.env.FiniteMdp;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Dynamic programming on a known {@link FiniteMdp} (Sutton &amp; Barto, chapter 4): policy
 * evaluation (iterative and exact), Q from V, greedy policy improvement, policy iteration and value
 * iteration. Everything is in {@code double}.
 *
 * <p>Shapes: a value function {@code V} is {@code double[numStates]}, an action-value function
 * {@code Q} is {@code double[numStates][numActions]}, a deterministic policy is {@code
 * int[numStates]} (the action taken in each state) and a stochastic policy is {@code
 * double[numStates][numActions]} (each row a probability distribution).
 *
 * <p>Conventions shared by every method:
 *
 * <ul>
 *   <li>The one-step backup of {@code (s, a)} is {@code Σ p · (r + γ · V(s'))} over the transitions
 *       of {@code (s, a)}, where {@code V(s')} is taken as 0 when the transition has {@code
 *       terminated} set or {@code s'} is terminal (no bootstrapping from a terminal state).
 *   <li>A terminal state ({@link FiniteMdp#isTerminal}) has value 0 and Q row 0; its policy entry
 *       is action 0 and it is never updated.
 *   <li>{@code γ} must be in {@code [0, 1]}. With {@code γ = 1} a value is finite only when the
 *       policy reaches termination from every state with probability 1 (a <em>proper</em> policy);
 *       {@link #evaluateExact} detects an improper policy and throws.
 *   <li>Greedy choices break ties by the lowest action index. Two action values count as tied when
 *       they differ by at most {@link #TIE_TOLERANCE} times {@code max(1, |max Q|)}, so that
 *       rounding noise of the order of 1e-16 does not decide between actions that are equal in
 *       exact arithmetic.
 * </ul>
 *
 * <p>The exact evaluation solves the linear system with commons-math3's {@link LUDecomposition}
 * (partial pivoting) in double.
 */
public final class Planning {
  /** Relative tolerance under which two action values count as tied (see the class comment). */
  public static final double TIE_TOLERANCE = 1e-10;

  /** How iterative policy evaluation applies its backups within one sweep. */
  public enum Sweep {
    /**
     * In place (Gauss–Seidel): states are updated in index order and each backup already uses the
     * new values of the states updated before it in the same sweep. This is the version in Sutton
     * &amp; Barto's box "Iterative Policy Evaluation"; it usually converges in fewer sweeps.
     */
    IN_PLACE,
    /**
     * Synchronous (Jacobi): every backup of a sweep reads the values of the previous sweep, as in
     * the textbook's two-array version; after {@code k} sweeps from {@code V = 0} the result is
     * exactly the expected {@code k}-step return.
     */
    SYNCHRONOUS
  }

  /**
   * The result of iterative policy evaluation.
   *
   * @param values {@code V}, {@code double[numStates]}
   * @param sweeps the number of sweeps performed
   * @param delta the largest change of a value in the last sweep
   * @param converged whether {@code delta < θ} was reached within the sweep budget
   */
  public record Evaluation(double[] values, int sweeps, double delta, boolean converged) {}

  /**
   * The result of policy iteration.
   *
   * @param policy the final (optimal) deterministic policy, {@code int[numStates]}
   * @param values its value function, {@code double[numStates]}
   * @param iterations the number of evaluation-and-improvement rounds; the last round is the one
   *     that found the policy stable, so a policy that was optimal from the start gives 1
   */
  public record PolicyIterationResult(int[] policy, double[] values, int iterations) {}

  /**
   * The result of value iteration.
   *
   * @param values {@code V}, {@code double[numStates]}, within about {@code θ γ / (1 − γ)} of the
   *     optimal values when {@code γ < 1}
   * @param policy the greedy policy with respect to {@code values}, {@code int[numStates]}
   * @param sweeps the number of sweeps performed
   * @param delta the largest change of a value in the last sweep
   * @param converged whether {@code delta < θ} was reached within the sweep budget
   */
  public record ValueIterationResult(
      double[] values, int[] policy, int sweeps, double delta, boolean converged) {}

  private Planning() {}

  // ---------------------------------------------------------------- policy evaluation

  /**
   * Iterative policy evaluation of a deterministic policy, sweeping until the largest change in a
   * sweep is below {@code theta} or {@code maxSweeps} sweeps have been done. Starts from {@code V =
   * 0}.
   *
   * @param policy {@code int[numStates]}, each entry in {@code [0, numActions)}
   * @throws IllegalArgumentException if the MDP is malformed, the policy has the wrong length or an
   *     action out of range, {@code γ} is outside {@code [0, 1]}, {@code theta <= 0} or {@code
   *     maxSweeps < 1}
   */
  public static Evaluation evaluate(
      FiniteMdp mdp, int[] policy, double gamma, double theta, int maxSweeps, Sweep sweep) {
    Tables t = Tables.of(mdp, "Planning.evaluate");
    return evaluate(t, t.oneHot(policy, "Planning.evaluate"), gamma, theta, maxSweeps, sweep);
  }

  /**
   * Iterative policy evaluation of a stochastic policy (see {@link #evaluate(FiniteMdp, int[],
   * double, double, int, Sweep)}).
   *
   * @param policy {@code double[numStates][numActions]}, each row non-negative and summing to 1
   *     (within 1e-9); rows of terminal states are ignored
   * @throws IllegalArgumentException as the deterministic version, or if a row is not a
   *     distribution
   */
  public static Evaluation evaluate(
      FiniteMdp mdp, double[][] policy, double gamma, double theta, int maxSweeps, Sweep sweep) {
    Tables t = Tables.of(mdp, "Planning.evaluate");
    t.checkStochastic(policy, "Planning.evaluate");
    return evaluate(t, policy, gamma, theta, maxSweeps, sweep);
  }

  /** In-place iterative evaluation with at most 100,000 sweeps. */
  public static Evaluation evaluate(FiniteMdp mdp, int[] policy, double gamma, double theta) {
    return evaluate(mdp, policy, gamma, theta, 100_000, Sweep.IN_PLACE);
  }

  /** In-place iterative evaluation of a stochastic policy with at most 100,000 sweeps. */
  public static Evaluation evaluate(FiniteMdp mdp, double[][] policy, double gamma, double theta) {
    return evaluate(mdp, policy, gamma, theta, 100_000, Sweep.IN_PLACE);
  }

  private static Evaluation evaluate(
      Tables t, double[][] pi, double gamma, double theta, int maxSweeps, Sweep sweep) {
    checkGamma(gamma, "Planning.evaluate");
    checkStopping(theta, maxSweeps, "Planning.evaluate");
    if (sweep == null) {
      throw new IllegalArgumentException("Planning.evaluate: sweep must not be null");
    }
    double[] v = new double[t.numStates];
    double[] old = sweep == Sweep.SYNCHRONOUS ? new double[t.numStates] : v;
    int sweeps = 0;
    double delta = Double.POSITIVE_INFINITY;
    while (sweeps < maxSweeps && !(delta < theta)) {
      if (sweep == Sweep.SYNCHRONOUS) {
        System.arraycopy(v, 0, old, 0, v.length);
      }
      delta = 0;
      for (int s = 0; s < t.numStates; s++) {
        if (t.terminal[s]) {
          continue;
        }
        double x = 0;
        for (int a = 0; a < t.numActions; a++) {
          if (pi[s][a] != 0) {
            x += pi[s][a] * t.backup(s, a, old, gamma);
          }
        }
        delta = Math.max(delta, Math.abs(x - v[s]));
        v[s] = x;
      }
      sweeps++;
    }
    return new Evaluation(v, sweeps, delta, delta < theta);
  }

  /**
   * Exact policy evaluation of a deterministic policy: solves {@code (I − γ P_π) v = r_π} over the
   * non-terminal states by LU decomposition (commons-math3), where {@code P_π[s][s']} is the
   * probability of moving from {@code s} to a non-terminal {@code s'} without termination and
   * {@code r_π[s]} the expected one-step reward. Terminal states get 0.
   *
   * @param policy {@code int[numStates]}
   * @return {@code V}, {@code double[numStates]}
   * @throws IllegalArgumentException if the inputs are malformed (as {@link #evaluate}), or the
   *     system is singular: with {@code γ = 1}, when from some state the policy never terminates
   *     (the message names such a state)
   */
  public static double[] evaluateExact(FiniteMdp mdp, int[] policy, double gamma) {
    Tables t = Tables.of(mdp, "Planning.evaluateExact");
    return evaluateExact(t, t.oneHot(policy, "Planning.evaluateExact"), gamma);
  }

  /**
   * Exact evaluation of a stochastic policy (see {@link #evaluateExact(FiniteMdp, int[], double)}).
   *
   * @param policy {@code double[numStates][numActions]}, rows summing to 1
   */
  public static double[] evaluateExact(FiniteMdp mdp, double[][] policy, double gamma) {
    Tables t = Tables.of(mdp, "Planning.evaluateExact");
    t.checkStochastic(policy, "Planning.evaluateExact");
    return evaluateExact(t, policy, gamma);
  }

  private static double[] evaluateExact(Tables t, double[][] pi, double gamma) {
    checkGamma(gamma, "Planning.evaluateExact");
    if (gamma == 1.0) {
      int stuck = t.stateThatNeverTerminates(pi);
      if (stuck >= 0) {
        throw new IllegalArgumentException(
            "Planning.evaluateExact: with gamma = 1 the system (I - gamma P_pi) v = r_pi is"
                + " singular: under this policy state "
                + stuck
                + " never reaches a terminal state, so its return is not finite;"
                + " use gamma < 1 or a policy that terminates from every state");
      }
    }
    // Index the non-terminal states 0..m-1.
    int[] index = new int[t.numStates];
    int m = 0;
    for (int s = 0; s < t.numStates; s++) {
      index[s] = t.terminal[s] ? -1 : m++;
    }
    double[] v = new double[t.numStates];
    if (m == 0) {
      return v;
    }
    double[][] a = new double[m][m];
    double[] b = new double[m];
    for (int s = 0; s < t.numStates; s++) {
      int i = index[s];
      if (i < 0) {
        continue;
      }
      a[i][i] += 1;
      for (int act = 0; act < t.numActions; act++) {
        double p = pi[s][act];
        if (p == 0) {
          continue;
        }
        b[i] += p * t.meanReward[s][act];
        int[] ns = t.next[s][act];
        double[] np = t.prob[s][act];
        for (int k = 0; k < ns.length; k++) {
          a[i][index[ns[k]]] -= gamma * p * np[k];
        }
      }
    }
    DecompositionSolver solver =
        new LUDecomposition(new Array2DRowRealMatrix(a, false)).getSolver();
    if (!solver.isNonSingular()) {
      throw new IllegalArgumentException(
          "Planning.evaluateExact: the system (I - gamma P_pi) v = r_pi over "
              + m
              + " non-terminal states is singular (gamma = "
              + gamma
              + "); the policy's returns are not finite");
    }
    RealVector x = solver.solve(new ArrayRealVector(b, false));
    for (int s = 0; s < t.numStates; s++) {
      if (index[s] >= 0) {
        v[s] = x.getEntry(index[s]);
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- improvement

  /**
   * The one-step lookahead {@code Q(s, a) = Σ p · (r + γ V(s'))} (0 for a terminal {@code s}).
   *
   * @param values {@code V}, {@code double[numStates]}
   * @return {@code Q}, {@code double[numStates][numActions]}
   * @throws IllegalArgumentException if the MDP is malformed, {@code values} has the wrong length
   *     or {@code γ} is outside {@code [0, 1]}
   */
  public static double[][] qFromV(FiniteMdp mdp, double[] values, double gamma) {
    Tables t = Tables.of(mdp, "Planning.qFromV");
    checkGamma(gamma, "Planning.qFromV");
    t.checkValues(values, "Planning.qFromV");
    return t.q(values, gamma);
  }

  /**
   * The greedy deterministic policy of {@code Q}: in each state the action of largest value, ties
   * (within {@link #TIE_TOLERANCE}, relative) broken by the lowest index.
   *
   * @param q {@code double[numStates][numActions]}, every row of the same positive length
   * @return {@code int[numStates]}
   * @throws IllegalArgumentException if {@code q} is empty or ragged
   */
  public static int[] greedy(double[][] q) {
    if (q == null || q.length == 0) {
      throw new IllegalArgumentException("Planning.greedy: Q must have at least one state");
    }
    int[] policy = new int[q.length];
    for (int s = 0; s < q.length; s++) {
      if (q[s] == null || q[s].length == 0 || q[s].length != q[0].length) {
        throw new IllegalArgumentException(
            "Planning.greedy: Q must be [numStates, numActions] with numActions >= 1, but row "
                + s
                + " has length "
                + (q[s] == null ? "null" : q[s].length)
                + " and row 0 has "
                + (q[0] == null ? "null" : q[0].length));
      }
      policy[s] = argmaxLowest(q[s]);
    }
    return policy;
  }

  /**
   * Greedy policy improvement: {@link #greedy} of {@link #qFromV}. Terminal states get action 0.
   *
   * @param values {@code V}, {@code double[numStates]}
   * @return {@code int[numStates]}
   */
  public static int[] improve(FiniteMdp mdp, double[] values, double gamma) {
    return greedy(qFromV(mdp, values, gamma));
  }

  // ---------------------------------------------------------------- control

  /**
   * Policy iteration (Sutton &amp; Barto §4.3) with exact evaluation and at most 10,000 rounds.
   * With {@code γ < 1} it starts from the policy that takes action 0 everywhere. With {@code γ = 1}
   * it starts from a proper policy found by searching backwards from termination: each state takes
   * the lowest-index action that reaches, with positive probability, a state already known to lead
   * to termination.
   *
   * @throws IllegalArgumentException as {@link #policyIteration(FiniteMdp, int[], double, int)}, or
   *     with {@code γ = 1} when no policy terminates from every state
   */
  public static PolicyIterationResult policyIteration(FiniteMdp mdp, double gamma) {
    Tables t = Tables.of(mdp, "Planning.policyIteration");
    int[] initial = new int[t.numStates];
    if (gamma == 1.0) {
      initial = t.properPolicy();
      if (initial == null) {
        throw new IllegalArgumentException(
            "Planning.policyIteration: with gamma = 1 every policy must terminate, but from some"
                + " state no policy reaches a terminal state");
      }
    }
    return policyIteration(mdp, initial, gamma, 10_000);
  }

  /**
   * Policy iteration with exact evaluation ({@link #evaluateExact}) from {@code initialPolicy}.
   * Each round evaluates the policy, then improves it greedily. To avoid cycling between equally
   * good policies, a state keeps its current action unless some action is better by more than the
   * tie tolerance; otherwise it takes the greedy action (lowest index among ties). The loop stops
   * at the first round that changes no action.
   *
   * @param initialPolicy {@code int[numStates]}; not modified
   * @param maxIterations the most rounds to run
   * @throws IllegalArgumentException if the inputs are malformed, {@code maxIterations < 1}, with
   *     {@code γ = 1} a policy met on the way never terminates from some state (see {@link
   *     #evaluateExact}), or the policy is still changing after {@code maxIterations} rounds
   */
  public static PolicyIterationResult policyIteration(
      FiniteMdp mdp, int[] initialPolicy, double gamma, int maxIterations) {
    Tables t = Tables.of(mdp, "Planning.policyIteration");
    checkGamma(gamma, "Planning.policyIteration");
    if (maxIterations < 1) {
      throw new IllegalArgumentException(
          "Planning.policyIteration: maxIterations must be >= 1, got " + maxIterations);
    }
    t.oneHot(initialPolicy, "Planning.policyIteration");
    int[] policy = initialPolicy.clone();
    for (int round = 1; round <= maxIterations; round++) {
      double[] v = evaluateExact(t, t.oneHot(policy, "Planning.policyIteration"), gamma);
      double[][] q = t.q(v, gamma);
      boolean stable = true;
      for (int s = 0; s < t.numStates; s++) {
        if (t.terminal[s]) {
          continue;
        }
        int best = argmaxLowest(q[s]);
        double max = q[s][best];
        if (q[s][policy[s]] < max - TIE_TOLERANCE * Math.max(1, Math.abs(max))) {
          policy[s] = best;
          stable = false;
        }
      }
      if (stable) {
        return new PolicyIterationResult(policy, v, round);
      }
    }
    throw new IllegalArgumentException(
        "Planning.policyIteration: the policy was still changing after "
            + maxIterations
            + " rounds");
  }

  /**
   * Value iteration (Sutton &amp; Barto §4.4): in-place sweeps of {@code V(s) ← max_a Σ p (r + γ
   * V(s'))} from {@code V = 0}, until the largest change in a sweep is below {@code theta} or
   * {@code maxSweeps} sweeps have been done; then the greedy policy of the final {@code V}.
   *
   * @throws IllegalArgumentException if the MDP is malformed, {@code γ} is outside {@code [0, 1]},
   *     {@code theta <= 0} or {@code maxSweeps < 1}
   */
  public static ValueIterationResult valueIteration(
      FiniteMdp mdp, double gamma, double theta, int maxSweeps) {
    Tables t = Tables.of(mdp, "Planning.valueIteration");
    checkGamma(gamma, "Planning.valueIteration");
    checkStopping(theta, maxSweeps, "Planning.valueIteration");
    double[] v = new double[t.numStates];
    int sweeps = 0;
    double delta = Double.POSITIVE_INFINITY;
    while (sweeps < maxSweeps && !(delta < theta)) {
      delta = 0;
      for (int s = 0; s < t.numStates; s++) {
        if (t.terminal[s]) {
          continue;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < t.numActions; a++) {
          best = Math.max(best, t.backup(s, a, v, gamma));
        }
        delta = Math.max(delta, Math.abs(best - v[s]));
        v[s] = best;
      }
      sweeps++;
    }
    int[] policy = greedy(t.q(v, gamma));
    return new ValueIterationResult(v, policy, sweeps, delta, delta < theta);
  }

  /** Value iteration with at most 100,000 sweeps. */
  public static ValueIterationResult valueIteration(FiniteMdp mdp, double gamma, double theta) {
    return valueIteration(mdp, gamma, theta, 100_000);
  }

  // ---------------------------------------------------------------- helpers

  static int argmaxLowest(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : row) {
      max = Math.max(max, x);
    }
    double tol = TIE_TOLERANCE * Math.max(1, Math.abs(max));
    for (int a = 0; a < row.length; a++) {
      if (row[a] >= max - tol) {
        return a;
      }
    }
    return 0; // every entry NaN
  }

  private static void checkGamma(double gamma, String op) {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException(op + ": gamma must be in [0, 1], got " + gamma);
    }
  }

  private static void checkStopping(double theta, int maxSweeps, String op) {
    if (!(theta > 0)) {
      throw new IllegalArgumentException(op + ": theta must be > 0, got " + theta);
    }
    if (maxSweeps < 1) {
      throw new IllegalArgumentException(op + ": maxSweeps must be >= 1, got " + maxSweeps);
    }
  }

  /**
   * The MDP's tables compiled once into arrays: per {@code (s, a)} the expected reward and the
   * bootstrapping successors (transitions that neither terminate nor enter a terminal state).
   */
  private static final class Tables {
    final int numStates;
    final int numActions;
    final boolean[] terminal;
    final double[][] meanReward;
    final int[][][] next;
    final double[][][] prob;

    /** Whether {@code (s, a)} can end the episode (a terminating transition of positive mass). */
    final boolean[][] canEnd;

    private Tables(int numStates, int numActions) {
      this.numStates = numStates;
      this.numActions = numActions;
      terminal = new boolean[numStates];
      meanReward = new double[numStates][numActions];
      next = new int[numStates][numActions][];
      prob = new double[numStates][numActions][];
      canEnd = new boolean[numStates][numActions];
    }

    static Tables of(FiniteMdp mdp, String op) {
      if (mdp == null) {
        throw new IllegalArgumentException(op + ": the MDP must not be null");
      }
      int n = mdp.numStates();
      int na = mdp.numActions();
      if (n < 1 || na < 1) {
        throw new IllegalArgumentException(
            op + ": the MDP must have at least one state and one action, got " + n + " and " + na);
      }
      Tables t = new Tables(n, na);
      for (int s = 0; s < n; s++) {
        t.terminal[s] = mdp.isTerminal(s);
      }
      for (int s = 0; s < n; s++) {
        if (t.terminal[s]) {
          t.next[s] = new int[na][0];
          t.prob[s] = new double[na][0];
          continue;
        }
        for (int a = 0; a < na; a++) {
          List<FiniteMdp.Transition> tr = mdp.transitions(s, a);
          if (tr == null || tr.isEmpty()) {
            throw new IllegalArgumentException(
                op + ": state " + s + ", action " + a + " has no transitions");
          }
          double total = 0;
          double r = 0;
          int[] ns = new int[tr.size()];
          double[] np = new double[tr.size()];
          int k = 0;
          for (FiniteMdp.Transition x : tr) {
            if (!(x.probability() >= 0 && x.probability() <= 1)) {
              throw new IllegalArgumentException(
                  op
                      + ": state "
                      + s
                      + ", action "
                      + a
                      + " has a transition of probability "
                      + x.probability());
            }
            if (x.nextState() < 0 || x.nextState() >= n) {
              throw new IllegalArgumentException(
                  op
                      + ": state "
                      + s
                      + ", action "
                      + a
                      + " leads to state "
                      + x.nextState()
                      + ", outside [0, "
                      + n
                      + ")");
            }
            if (!Double.isFinite(x.reward())) {
              throw new IllegalArgumentException(
                  op + ": state " + s + ", action " + a + " has a reward of " + x.reward());
            }
            total += x.probability();
            r += x.probability() * x.reward();
            if (x.terminated() || t.terminal[x.nextState()]) {
              if (x.probability() > 0) {
                t.canEnd[s][a] = true;
              }
            } else if (x.probability() > 0) {
              ns[k] = x.nextState();
              np[k] = x.probability();
              k++;
            }
          }
          if (Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException(
                op
                    + ": the transition probabilities of state "
                    + s
                    + ", action "
                    + a
                    + " sum to "
                    + total
                    + ", not 1");
          }
          t.meanReward[s][a] = r;
          t.next[s][a] = Arrays.copyOf(ns, k);
          t.prob[s][a] = Arrays.copyOf(np, k);
        }
      }
      return t;
    }

    double backup(int s, int a, double[] v, double gamma) {
      int[] ns = next[s][a];
      double[] np = prob[s][a];
      double x = 0;
      for (int k = 0; k < ns.length; k++) {
        x += np[k] * v[ns[k]];
      }
      return meanReward[s][a] + gamma * x;
    }

    double[][] q(double[] v, double gamma) {
      double[][] q = new double[numStates][numActions];
      for (int s = 0; s < numStates; s++) {
        if (terminal[s]) {
          continue;
        }
        for (int a = 0; a < numActions; a++) {
          q[s][a] = backup(s, a, v, gamma);
        }
      }
      return q;
    }

    double[][] oneHot(int[] policy, String op) {
      if (policy == null || policy.length != numStates) {
        throw new IllegalArgumentException(
            op
                + ": the policy must be int["
                + numStates
                + "] (one action per state), got "
                + (policy == null ? "null" : "int[" + policy.length + "]"));
      }
      double[][] pi = new double[numStates][numActions];
      for (int s = 0; s < numStates; s++) {
        if (policy[s] < 0 || policy[s] >= numActions) {
          throw new IllegalArgumentException(
              op
                  + ": the policy takes action "
                  + policy[s]
                  + " in state "
                  + s
                  + ", outside [0, "
                  + numActions
                  + ")");
        }
        pi[s][policy[s]] = 1;
      }
      return pi;
    }

    void checkStochastic(double[][] pi, String op) {
      if (pi == null || pi.length != numStates) {
        throw new IllegalArgumentException(
            op
                + ": the policy must be double["
                + numStates
                + "]["
                + numActions
                + "], got "
                + (pi == null ? "null" : pi.length + " rows"));
      }
      for (int s = 0; s < numStates; s++) {
        if (pi[s] == null || pi[s].length != numActions) {
          throw new IllegalArgumentException(
              op
                  + ": the policy must be double["
                  + numStates
                  + "]["
                  + numActions
                  + "], but row "
                  + s
                  + " has length "
                  + (pi[s] == null ? "null" : pi[s].length));
        }
        if (terminal[s]) {
          continue;
        }
        double total = 0;
        for (int a = 0; a < numActions; a++) {
          if (!(pi[s][a] >= 0)) {
            throw new IllegalArgumentException(
                op
                    + ": the policy gives action "
                    + a
                    + " in state "
                    + s
                    + " probability "
                    + pi[s][a]);
          }
          total += pi[s][a];
        }
        if (Math.abs(total - 1) > 1e-9) {
          throw new IllegalArgumentException(
              op + ": the policy's probabilities in state " + s + " sum to " + total + ", not 1");
        }
      }
    }

    void checkValues(double[] v, String op) {
      if (v == null || v.length != numStates) {
        throw new IllegalArgumentException(
            op
                + ": V must be double["
                + numStates
                + "], got "
                + (v == null ? "null" : "double[" + v.length + "]"));
      }
    }

    /**
     * A deterministic policy that terminates from every state, or null if there is none: states are
     * settled backwards from termination, each taking the lowest-index action that reaches a
     * settled state (or ends the episode) with positive probability.
     */
    int[] properPolicy() {
      int[] policy = new int[numStates];
      boolean[] settled = new boolean[numStates];
      int count = 0;
      for (int s = 0; s < numStates; s++) {
        if (terminal[s]) {
          settled[s] = true;
          count++;
        }
      }
      boolean progress = true;
      while (progress && count < numStates) {
        progress = false;
        // Settle against the previous pass only, so every settled state is one level closer.
        boolean[] before = settled.clone();
        for (int s = 0; s < numStates; s++) {
          if (settled[s]) {
            continue;
          }
          for (int a = 0; a < numActions && !settled[s]; a++) {
            boolean reaches = canEnd[s][a];
            for (int ns : next[s][a]) {
              reaches |= before[ns];
            }
            if (reaches) {
              policy[s] = a;
              settled[s] = true;
              count++;
              progress = true;
            }
          }
        }
      }
      return count == numStates ? policy : null;
    }

    /**
     * A non-terminal state from which the policy never terminates, or -1: the states that can reach
     * termination are found backwards from the ending state-actions, and any state left out lies in
     * a closed set of non-terminal states.
     */
    int stateThatNeverTerminates(double[][] pi) {
      boolean[] ends = new boolean[numStates];
      // Reverse edges s' -> s for every move s -> s' of positive probability under pi.
      int[] revCount = new int[numStates];
      for (int s = 0; s < numStates; s++) {
        if (terminal[s]) {
          continue;
        }
        for (int a = 0; a < numActions; a++) {
          if (pi[s][a] > 0) {
            for (int ns : next[s][a]) {
              revCount[ns]++;
            }
          }
        }
      }
      int[][] rev = new int[numStates][];
      for (int s = 0; s < numStates; s++) {
        rev[s] = new int[revCount[s]];
      }
      int[] fill = new int[numStates];
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int s = 0; s < numStates; s++) {
        if (terminal[s]) {
          ends[s] = true;
          continue;
        }
        for (int a = 0; a < numActions; a++) {
          if (pi[s][a] > 0) {
            for (int ns : next[s][a]) {
              rev[ns][fill[ns]++] = s;
            }
            if (canEnd[s][a]) {
              ends[s] = true;
            }
          }
        }
        if (ends[s]) {
          queue.add(s);
        }
      }
      while (!queue.isEmpty()) {
        int s = queue.poll();
        for (int p : rev[s]) {
          if (!ends[p]) {
            ends[p] = true;
            queue.add(p);
          }
        }
      }
      for (int s = 0; s < numStates; s++) {
        if (!ends[s]) {
          return s;
        }
      }
      return -1;
    }
  }
}
