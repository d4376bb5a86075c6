package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp;
import dev.residual.rl.env.FiniteMdp.Transition;
import dev.residual.rl.env.StepResult;
import dev.residual.tensor.Generator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks shared by the tabular environment tests. */
final class TableChecks {
  private TableChecks() {}

  /** Every row of the table is non-empty, in range and sums to 1; terminal rows are absorbing. */
  static void assertWellFormed(FiniteMdp mdp) {
    for (int s = 0; s < mdp.numStates(); s++) {
      for (int a = 0; a < mdp.numActions(); a++) {
        List<Transition> row = mdp.transitions(s, a);
        double sum = 0;
        for (Transition t : row) {
          assertTrue(t.probability() > 0 && t.probability() <= 1, "P[" + s + "][" + a + "]");
          assertTrue(t.nextState() >= 0 && t.nextState() < mdp.numStates());
          assertEquals(mdp.isTerminal(t.nextState()), t.terminated(), "P[" + s + "][" + a + "]");
          sum += t.probability();
        }
        assertEquals(1.0, sum, 1e-12, "P[" + s + "][" + a + "] sums to 1");
        if (mdp.isTerminal(s)) {
          assertEquals(List.of(new Transition(1.0, s, 0.0, true)), row, "terminal row " + s);
        }
      }
    }
  }

  /**
   * Plays {@code steps} uniformly random actions (resetting at episode ends) and checks that each
   * step's reward and termination are those of a table outcome with that next state, and that for
   * every {@code (s, a)} tried at least {@code minVisits} times the empirical next-state
   * frequencies are within five standard errors (plus 0.005) of the table's probabilities.
   */
  static void assertSteppingMatchesTable(TabularEnv env, long seed, int steps, int minVisits) {
    Generator actions = new Generator(seed + 1);
    Map<Long, Map<Integer, Integer>> counts = new HashMap<>();
    Map<Long, Integer> totals = new HashMap<>();
    int s = env.reset(seed).observation();
    for (int i = 0; i < steps; i++) {
      int a = actions.nextInt(env.numActions());
      StepResult<Integer> r = env.step(a);
      int next = r.observation();
      boolean found = false;
      for (Transition t : env.transitions(s, a)) {
        if (t.nextState() == next) {
          assertEquals(t.reward(), r.reward(), 0.0, "reward of " + s + " -" + a + "-> " + next);
          assertEquals(t.terminated(), r.terminated());
          found = true;
        }
      }
      assertTrue(found, s + " -" + a + "-> " + next + " is not in the table");
      long key = (long) s * env.numActions() + a;
      counts.computeIfAbsent(key, k -> new HashMap<>()).merge(next, 1, Integer::sum);
      totals.merge(key, 1, Integer::sum);
      s = r.done() ? env.reset().observation() : next;
    }
    int checkedPairs = 0;
    for (Map.Entry<Long, Integer> e : totals.entrySet()) {
      int n = e.getValue();
      if (n < minVisits) {
        continue;
      }
      int state = (int) (e.getKey() / env.numActions());
      int action = (int) (e.getKey() % env.numActions());
      Map<Integer, Double> expected = new HashMap<>();
      for (Transition t : env.transitions(state, action)) {
        expected.merge(t.nextState(), t.probability(), Double::sum);
      }
      Map<Integer, Integer> seen = counts.get(e.getKey());
      for (int next : seen.keySet()) {
        assertTrue(expected.containsKey(next));
      }
      for (Map.Entry<Integer, Double> x : expected.entrySet()) {
        double p = x.getValue();
        double freq = seen.getOrDefault(x.getKey(), 0) / (double) n;
        double tol = 5 * Math.sqrt(p * (1 - p) / n) + 0.005;
        assertEquals(
            p, freq, tol, "P(" + x.getKey() + " | " + state + ", " + action + ") over " + n);
      }
      checkedPairs++;
    }
    assertTrue(checkedPairs > 0, "no (state, action) pair was visited often enough");
  }

  /**
   * Optimal state values by value iteration: {@code V(s) = max_a Σ p (r + γ V(s'))}, with {@code
   * V(s') = 0} where the outcome terminates; iterated until it changes by less than 1e-13.
   */
  static double[] optimalValues(FiniteMdp mdp, double gamma) {
    double[] v = new double[mdp.numStates()];
    for (int iter = 0; iter < 100_000; iter++) {
      double delta = 0;
      for (int s = 0; s < v.length; s++) {
        if (mdp.isTerminal(s)) {
          continue;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < mdp.numActions(); a++) {
          best = Math.max(best, actionValue(mdp, v, s, a, gamma));
        }
        delta = Math.max(delta, Math.abs(best - v[s]));
        v[s] = best;
      }
      if (delta < 1e-13) {
        return v;
      }
    }
    throw new AssertionError("value iteration did not converge");
  }

  /** {@code Σ p (r + γ V(s'))} over the outcomes of {@code (s, a)}, no bootstrap at terminals. */
  static double actionValue(FiniteMdp mdp, double[] v, int s, int a, double gamma) {
    double q = 0;
    for (Transition t : mdp.transitions(s, a)) {
      q += t.probability() * (t.reward() + (t.terminated() ? 0 : gamma * v[t.nextState()]));
    }
    return q;
  }
}
