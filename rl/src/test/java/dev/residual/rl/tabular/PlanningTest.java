package dev.residual.rl.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanningTest {
  private static final double G = 0.9;

  /*
   * TwoState (see TestMdps), gamma = 0.9, terminal state 2 has value 0.
   *
   * pi = [stay, cash]:   V0 = 1 + 0.9 V0 -> V0 = 10;  V1 = 5.
   * pi = [go, cash]:     V1 = 5, V0 = 0.9 * 5 = 4.5.
   * pi = [stay, gamble]: V0 = 10; V1 = 0.5 (0 + 0.9 * 10) + 0.5 * 2 = 5.5.
   * Optimal: V0 = max(1 + 0.9 V0, 0.9 V1), V1 = max(5, 0.45 V0 + 1). With V0 = 10, V1 = 5.5 and
   * 0.9 * 5.5 = 4.95 < 10, so V* = (10, 5.5, 0) and pi* = [stay, gamble] = [0, 1].
   * Q* from V*: Q0 = [1 + 9, 0.9 * 5.5] = [10, 4.95]; Q1 = [5, 0.45 * 10 + 1] = [5, 5.5].
   *
   * Uniform random policy: V0 = 0.5 (1 + 0.9 V0) + 0.5 (0.9 V1), V1 = 0.5 * 5 + 0.5 (0.45 V0 + 1)
   * = 3 + 0.225 V0. Substituting: V0 (1 - 0.45 - 0.10125) = 0.5 + 1.35, V0 = 1.85 / 0.44875 =
   * 1480 / 359, V1 = 3 + 333 / 359 = 1410 / 359.
   */
  private static final FiniteMdp TWO = new TestMdps.TwoState();
  private static final double[][] UNIFORM = {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}};

  /*
   * Chain(4), reward -1 per step, goal 4. Under "always right" state s is k = 4 - s steps from the
   * goal: V(s) = -(1 + g + ... + g^(k-1)) = -(1 - g^k) / (1 - g). For g = 0.9: V = (-3.439, -2.71,
   * -1.9, -1, 0); Q(s, right) = V(s), Q(s, left) = -1 + 0.9 V(max(s - 1, 0)) = (-4.0951, -4.0951,
   * -3.439, -2.71). For g = 1: V = (-4, -3, -2, -1, 0).
   */
  private static final double[] CHAIN_V = {-3.439, -2.71, -1.9, -1, 0};
  private static final double[] CHAIN_V1 = {-4, -3, -2, -1, 0};

  @Test
  void exactEvaluationMatchesHandDerivedValuesOfTwoState() {
    assertArrayEquals(
        new double[] {10, 5, 0}, Planning.evaluateExact(TWO, new int[] {0, 0, 0}, G), 1e-12);
    assertArrayEquals(
        new double[] {4.5, 5, 0}, Planning.evaluateExact(TWO, new int[] {1, 0, 0}, G), 1e-12);
    assertArrayEquals(
        new double[] {10, 5.5, 0}, Planning.evaluateExact(TWO, new int[] {0, 1, 0}, G), 1e-12);
    assertArrayEquals(
        new double[] {1480.0 / 359, 1410.0 / 359, 0},
        Planning.evaluateExact(TWO, UNIFORM, G),
        1e-12);
    assertArrayEquals(
        new double[] {1480.0 / 359, 1410.0 / 359, 0},
        Planning.evaluate(TWO, UNIFORM, G, 1e-13).values(),
        1e-8);
  }

  @Test
  void iterativeEvaluationAgreesWithExactToOneEMinus8InBothSweepModes() {
    for (Planning.Sweep sweep : Planning.Sweep.values()) {
      for (int[] pi : new int[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 1}, {1, 1, 0}}) {
        Planning.Evaluation e = Planning.evaluate(TWO, pi, G, 1e-12, 100_000, sweep);
        assertTrue(e.converged(), sweep + " " + java.util.Arrays.toString(pi));
        assertArrayEquals(Planning.evaluateExact(TWO, pi, G), e.values(), 1e-8);
      }
      Planning.Evaluation u = Planning.evaluate(TWO, UNIFORM, G, 1e-12, 100_000, sweep);
      assertArrayEquals(new double[] {1480.0 / 359, 1410.0 / 359, 0}, u.values(), 1e-8);
      Planning.Evaluation c =
          Planning.evaluate(
              new TestMdps.Chain(4), new int[] {1, 1, 1, 1, 0}, 1.0, 1e-12, 1000, sweep);
      assertArrayEquals(CHAIN_V1, c.values(), 1e-12);
    }
  }

  @Test
  void synchronousSweepsGiveTheKStepReturn() {
    // From V = 0, k synchronous sweeps of "stay" give V0 = 1 + 0.9 + ... + 0.9^(k-1): 2.71 for k =
    // 3.
    Planning.Evaluation e =
        Planning.evaluate(TWO, new int[] {0, 0, 0}, G, 1e-12, 3, Planning.Sweep.SYNCHRONOUS);
    assertEquals(3, e.sweeps());
    assertFalse(e.converged());
    assertArrayEquals(new double[] {2.71, 5, 0}, e.values(), 1e-12);
    assertEquals(0.81, e.delta(), 1e-12);
  }

  @Test
  void inPlaceSweepUsesValuesUpdatedEarlierInTheSameSweep() {
    // pi = [go, gamble]: one in-place sweep from 0 gives V0 = 0.9 * V1(old 0) = 0, then
    // V1 = 0.5 * 0.9 * V0(new 0) + 1 = 1. Chain "right" in place: V3 depends on V4 = 0 only, so one
    // sweep in index order gives V0 = -1 (V1 still 0) ... checked on the reverse-ordered chain
    // below.
    Planning.Evaluation e =
        Planning.evaluate(TWO, new int[] {0, 1, 0}, G, 1e-12, 1, Planning.Sweep.IN_PLACE);
    // V0 = 1 + 0.9 * 0 = 1, then V1 = 0.5 * 0.9 * V0(new = 1) + 1 = 1.45 (synchronous gives 1).
    assertArrayEquals(new double[] {1, 1.45, 0}, e.values(), 1e-12);
    Planning.Evaluation s =
        Planning.evaluate(TWO, new int[] {0, 1, 0}, G, 1e-12, 1, Planning.Sweep.SYNCHRONOUS);
    assertArrayEquals(new double[] {1, 1, 0}, s.values(), 1e-12);
  }

  @Test
  void qFromVIsTheOneStepLookahead() {
    double[][] q = Planning.qFromV(TWO, new double[] {10, 5.5, 0}, G);
    assertArrayEquals(new double[] {10, 4.95}, q[0], 1e-12);
    assertArrayEquals(new double[] {5, 5.5}, q[1], 1e-12);
    assertArrayEquals(new double[] {0, 0}, q[2], 0);
    double[][] qc = Planning.qFromV(new TestMdps.Chain(4), CHAIN_V, G);
    double[] left = {-4.0951, -4.0951, -3.439, -2.71};
    for (int s = 0; s < 4; s++) {
      assertEquals(left[s], qc[s][0], 1e-12);
      assertEquals(CHAIN_V[s], qc[s][1], 1e-12);
    }
  }

  @Test
  void greedyBreaksTiesByLowestIndex() {
    assertArrayEquals(
        new int[] {0, 1, 2, 0},
        Planning.greedy(new double[][] {{1, 1, 1}, {0, 2, 2}, {-1, -1, 3}, {5, 5 - 1e-14, 4}}));
    assertArrayEquals(new int[] {0, 1, 0}, Planning.improve(TWO, new double[] {10, 5.5, 0}, G));
    // From the values of [go, cash] (4.5, 5): Q0 = [1 + 4.05, 4.5], Q1 = [5, 0.45 * 4.5 + 1].
    assertArrayEquals(new int[] {0, 0, 0}, Planning.improve(TWO, new double[] {4.5, 5, 0}, G));
  }

  @Test
  void policyIterationAndValueIterationFindTheHandDerivedOptimum() {
    Planning.PolicyIterationResult pi = Planning.policyIteration(TWO, G);
    assertArrayEquals(new int[] {0, 1, 0}, pi.policy());
    assertArrayEquals(new double[] {10, 5.5, 0}, pi.values(), 1e-12);
    // Round 1: [stay, cash] -> (10, 5), improves state 1 to gamble (5.5 > 5); round 2 is stable.
    assertEquals(2, pi.iterations());
    Planning.ValueIterationResult vi = Planning.valueIteration(TWO, G, 1e-12);
    assertTrue(vi.converged());
    assertArrayEquals(new int[] {0, 1, 0}, vi.policy());
    assertArrayEquals(pi.values(), vi.values(), 1e-9);
  }

  @Test
  void policyAndValueIterationAgreeOnTheChainWithAndWithoutDiscount() {
    TestMdps.Chain chain = new TestMdps.Chain(4);
    for (double g : new double[] {0.9, 1.0}) {
      Planning.PolicyIterationResult pi = Planning.policyIteration(chain, g);
      Planning.ValueIterationResult vi = Planning.valueIteration(chain, g, 1e-12);
      assertArrayEquals(new int[] {1, 1, 1, 1, 0}, pi.policy(), "gamma " + g);
      assertArrayEquals(pi.policy(), vi.policy(), "gamma " + g);
      assertArrayEquals(g == 1.0 ? CHAIN_V1 : CHAIN_V, pi.values(), 1e-12);
      assertArrayEquals(pi.values(), vi.values(), 1e-9);
      TabularExperiments.PlanningComparison c = TabularExperiments.plan(chain, g, 1e-12);
      assertTrue(c.samePolicy());
      assertTrue(c.maxValueDifference() < 1e-9);
    }
  }

  @Test
  void valueIterationOnTheChainTakesOneSweepPerStepOfDistanceInReverseOrder() {
    // With gamma = 0.9 in-place sweeps in index order propagate one state per sweep from the goal.
    Planning.ValueIterationResult vi = Planning.valueIteration(new TestMdps.Chain(4), G, 1e-12, 2);
    assertEquals(2, vi.sweeps());
    assertFalse(vi.converged());
    // Sweep 1: V = (-1, -1, -1, -1) in place (left/right both -1 + 0.9 * 0 at s < 3; s = 3 -> -1).
    // Sweep 2: V0 = -1 + 0.9 max(V0, V1) = -1.9, V1 = -1 + 0.9 max(-1.9, -1) = -1.9, V2 = -1.9,
    // V3 = max(-1 + 0.9 V2, -1 + 0) = -1.
    assertArrayEquals(new double[] {-1.9, -1.9, -1.9, -1, 0}, vi.values(), 1e-12);
  }

  @Test
  void exactEvaluationWithGammaOneRejectsAPolicyThatNeverTerminates() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planning.evaluateExact(new TestMdps.Chain(4), new int[] {0, 0, 0, 0, 0}, 1.0));
    assertTrue(e.getMessage().contains("singular"), e.getMessage());
    assertTrue(e.getMessage().contains("state 0"), e.getMessage());
    // The same policy has finite values under discounting: -1 / (1 - 0.9) everywhere.
    assertArrayEquals(
        new double[] {-10, -10, -10, -10, 0},
        Planning.evaluateExact(new TestMdps.Chain(4), new int[] {0, 0, 0, 0, 0}, G),
        1e-12);
    // TwoState with "stay" loops forever in state 0.
    assertThrows(
        IllegalArgumentException.class,
        () -> Planning.evaluateExact(TWO, new int[] {0, 0, 0}, 1.0));
    assertArrayEquals(
        new double[] {5, 5, 0}, Planning.evaluateExact(TWO, new int[] {1, 0, 0}, 1.0), 1e-12);
  }

  @Test
  void policyIterationWithGammaOneFailsWhenNoPolicyTerminates() {
    FiniteMdp loop =
        mdp(2, 1, (s, a) -> List.of(new FiniteMdp.Transition(1, s, -1, false)), s -> s == 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Planning.policyIteration(loop, 1.0));
    assertTrue(e.getMessage().contains("terminate"), e.getMessage());
  }

  @Test
  void malformedMdpsAreRejected() {
    FiniteMdp badSum =
        mdp(1, 1, (s, a) -> List.of(new FiniteMdp.Transition(0.5, 0, 0, true)), s -> false);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Planning.valueIteration(badSum, G, 1e-6));
    assertTrue(e.getMessage().contains("sum to 0.5"), e.getMessage());
    FiniteMdp outOfRange =
        mdp(1, 1, (s, a) -> List.of(new FiniteMdp.Transition(1, 3, 0, true)), s -> false);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Planning.valueIteration(outOfRange, G, 1e-6));
    assertTrue(e.getMessage().contains("leads to state 3"), e.getMessage());
    FiniteMdp empty = mdp(1, 1, (s, a) -> List.of(), s -> false);
    assertThrows(IllegalArgumentException.class, () -> Planning.valueIteration(empty, G, 1e-6));
    FiniteMdp none = mdp(0, 1, (s, a) -> List.of(), s -> false);
    assertThrows(IllegalArgumentException.class, () -> Planning.policyIteration(none, G));
    assertThrows(IllegalArgumentException.class, () -> Planning.valueIteration(null, G, 1e-6));
  }

  @Test
  void badArgumentsAreRejectedWithClearMessages() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Planning.evaluateExact(TWO, new int[] {0, 0}, G));
    assertTrue(
        e.getMessage().contains("int[3]") && e.getMessage().contains("int[2]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planning.evaluateExact(TWO, new int[] {0, 2, 0}, G));
    assertTrue(e.getMessage().contains("action 2 in state 1"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planning.evaluateExact(TWO, new double[][] {{0.5, 0.5}, {0.7, 0.7}, {1, 0}}, G));
    assertTrue(e.getMessage().contains("state 1 sum to 1.4"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Planning.evaluateExact(TWO, new double[][] {{1.5, -0.5}, {1, 0}, {1, 0}}, G));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Planning.evaluate(
                TWO, new double[][] {{1, 0}, {1, 0}}, G, 1e-6, 10, Planning.Sweep.IN_PLACE));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Planning.evaluate(TWO, new int[3], 1.5, 1e-6));
    assertTrue(e.getMessage().contains("gamma must be in [0, 1], got 1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Planning.evaluate(TWO, new int[3], G, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> Planning.evaluate(TWO, new int[3], G, 1e-6, 0, Planning.Sweep.IN_PLACE));
    assertThrows(
        IllegalArgumentException.class,
        () -> Planning.evaluate(TWO, new int[3], G, 1e-6, 10, null));
    assertThrows(IllegalArgumentException.class, () -> Planning.valueIteration(TWO, -0.1, 1e-6));
    assertThrows(IllegalArgumentException.class, () -> Planning.valueIteration(TWO, G, 1e-6, 0));
    e = assertThrows(IllegalArgumentException.class, () -> Planning.qFromV(TWO, new double[2], G));
    assertTrue(e.getMessage().contains("double[3]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Planning.greedy(new double[0][]));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Planning.greedy(new double[][] {{1, 2}, {1}}));
    assertTrue(e.getMessage().contains("row 1 has length 1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Planning.policyIteration(TWO, new int[3], G, 0));
  }

  @Test
  void policyIterationReportsRunningOutOfRounds() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Planning.policyIteration(TWO, new int[] {0, 0, 0}, G, 1));
    assertTrue(e.getMessage().contains("still changing after 1 rounds"), e.getMessage());
  }

  interface TransitionFn {
    List<FiniteMdp.Transition> apply(int s, int a);
  }

  private static FiniteMdp mdp(
      int n, int na, TransitionFn fn, java.util.function.IntPredicate terminal) {
    return new FiniteMdp() {
      @Override
      public int numStates() {
        return n;
      }

      @Override
      public int numActions() {
        return na;
      }

      @Override
      public List<Transition> transitions(int s, int a) {
        return fn.apply(s, a);
      }

      @Override
      public boolean isTerminal(int s) {
        return terminal.test(s);
      }
    };
  }
}
