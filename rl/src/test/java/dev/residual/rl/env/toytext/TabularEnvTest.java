package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp.Transition;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabularEnvTest {
  /** A coin: from state 0 either action lands on 1 (+1, terminal) or 2 (0, terminal) evenly. */
  private static TabularEnv coin() {
    double[][][] t = {
      {{0, 0.5, 0.5}, {0, 0.5, 0.5}},
      {{0, 0, 0}, {0, 0, 0}},
      {{0, 0, 0}, {0, 0, 0}}
    };
    double[][][] r = {
      {{0, 1, 0}, {0, 1, 0}},
      {{0, 0, 0}, {0, 0, 0}},
      {{0, 0, 0}, {0, 0, 0}}
    };
    return TabularEnv.fromMatrices(t, r, new boolean[] {false, true, true}, new double[] {1, 0, 0});
  }

  @Test
  void fromMatricesListsOutcomesInStateOrderAndMakesTerminalsAbsorbing() {
    TabularEnv env = coin();
    assertEquals(
        List.of(new Transition(0.5, 1, 1, true), new Transition(0.5, 2, 0, true)),
        env.transitions(0, 0));
    assertEquals(List.of(new Transition(1, 1, 0, true)), env.transitions(1, 1));
    TableChecks.assertWellFormed(env);
  }

  @Test
  void stepInfoCarriesTheOutcomeProbability() {
    TabularEnv env = coin();
    env.reset(4);
    assertEquals(0.5, env.step(0).info().get("prob"));
    TabularEnv fresh =
        new TabularEnv(
            List.of(List.of(List.of(new Transition(1, 0, 0, false)))),
            new double[] {1},
            new boolean[1]);
    assertEquals(-1, fresh.state());
  }

  @Test
  void sampledOutcomesFollowTheProbabilities() {
    TabularEnv env = coin();
    int heads = 0;
    env.reset(17);
    for (int i = 0; i < 4000; i++) {
      if (i > 0) {
        env.reset();
      }
      heads += env.step(1).observation() == 1 ? 1 : 0;
    }
    assertEquals(2000, heads, 160);
  }

  @Test
  void malformedTablesAreRejected() {
    Transition half = new Transition(0.5, 0, 0, false);
    IllegalArgumentException sum =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TabularEnv(List.of(List.of(List.of(half))), new double[] {1}, new boolean[1]));
    assertTrue(sum.getMessage().contains("sum to 0.5"), sum.getMessage());
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TabularEnv(
                    List.of(List.of(List.of(new Transition(1, 3, 0, false)))),
                    new double[] {1},
                    new boolean[1]));
    assertTrue(range.getMessage().contains("state 3"), range.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TabularEnv(List.of(List.of(List.of())), new double[] {1}, new boolean[1]));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TabularEnv(
                List.of(List.of(List.of(new Transition(0, 0, 0, false)))),
                new double[] {1},
                new boolean[1]));
    Transition stay = new Transition(1, 0, 0, false);
    assertThrows(
        IllegalArgumentException.class,
        () -> new TabularEnv(List.of(List.of(List.of(stay))), new double[] {0.5}, new boolean[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TabularEnv(List.of(List.of(List.of(stay))), new double[] {1}, new boolean[2]));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TabularEnv(
                List.of(List.of(List.of(stay)), List.of(List.of(stay), List.of(stay))),
                new double[] {1, 0},
                new boolean[2]));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TabularEnv.fromMatrices(
                new double[][][] {{{1}}},
                new double[][][] {{{0}}, {{0}}},
                new boolean[1],
                new double[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TabularEnv.fromMatrices(
                new double[][][] {{{1, 0}}, {{0, 1}}},
                new double[][][] {{{0}}, {{0, 0}}},
                new boolean[2],
                new double[] {1, 0}));
  }
}
