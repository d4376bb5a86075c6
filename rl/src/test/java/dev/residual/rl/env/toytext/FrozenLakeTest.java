package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp.Transition;
import dev.residual.rl.env.StepResult;
import dev.residual.tensor.Generator;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrozenLakeTest {
  private static final double THIRD = 1.0 / 3.0;

  @Test
  void defaultIsTheSlipperyFourByFourMap() {
    FrozenLake env = new FrozenLake();
    assertEquals(List.of("SFFF", "FHFH", "FFFH", "HFFG"), env.desc());
    assertTrue(env.isSlippery());
    assertEquals(16, env.numStates());
    assertEquals(4, env.numActions());
    assertEquals(0, env.reset(0).observation());
    assertEquals(1.0, env.reset(0).info().get("prob"));
    for (int s = 0; s < 16; s++) {
      assertEquals(s == 5 || s == 7 || s == 11 || s == 12 || s == 15, env.isTerminal(s), "" + s);
    }
  }

  @Test
  void eightByEightMapIsGymnasiumsDefault() {
    FrozenLake env = new FrozenLake("8x8", true);
    assertEquals(
        List.of(
            "SFFFFFFF",
            "FFFFFFFF",
            "FFFHFFFF",
            "FFFFFHFF",
            "FFFHFFFF",
            "FHHFFFHF",
            "FHFFHFHF",
            "FFFHFFFG"),
        env.desc());
    assertEquals(64, env.numStates());
    assertTrue(env.isTerminal(63));
    assertTrue(env.isTerminal(19));
    assertEquals('H', env.letter(19));
    TableChecks.assertWellFormed(env);
  }

  @Test
  void slipperyRowsAreThirdsInGymnasiumsOrder() {
    FrozenLake env = new FrozenLake();
    TableChecks.assertWellFormed(env);
    // P[0][LEFT]: up and left bump into the edge, down reaches state 4.
    assertEquals(
        List.of(
            new Transition(THIRD, 0, 0, false),
            new Transition(THIRD, 0, 0, false),
            new Transition(THIRD, 4, 0, false)),
        env.transitions(0, FrozenLake.LEFT));
    // P[14][RIGHT]: down stays, right reaches the goal, up goes to 10.
    assertEquals(
        List.of(
            new Transition(THIRD, 14, 0, false),
            new Transition(THIRD, 15, 1, true),
            new Transition(THIRD, 10, 0, false)),
        env.transitions(14, FrozenLake.RIGHT));
    // P[6][DOWN]: left and right are holes, down is ice.
    assertEquals(
        List.of(
            new Transition(THIRD, 5, 0, true),
            new Transition(THIRD, 10, 0, false),
            new Transition(THIRD, 7, 0, true)),
        env.transitions(6, FrozenLake.DOWN));
    for (int s = 0; s < 16; s++) {
      for (int a = 0; a < 4; a++) {
        assertEquals(env.isTerminal(s) ? 1 : 3, env.transitions(s, a).size());
      }
    }
  }

  @Test
  void optimalSuccessProbabilityWithoutTimeLimitIsFourteenSeventeenthsOnFourByFour() {
    assertEquals(14.0 / 17.0, TableChecks.optimalValues(new FrozenLake(), 1.0)[0], 1e-9);
    assertEquals(1.0, TableChecks.optimalValues(new FrozenLake("8x8", true), 1.0)[0], 1e-9);
  }

  @Test
  void holesAndGoalAreAbsorbing() {
    FrozenLake env = new FrozenLake();
    for (int a = 0; a < 4; a++) {
      assertEquals(List.of(new Transition(1, 5, 0, true)), env.transitions(5, a));
      assertEquals(List.of(new Transition(1, 15, 0, true)), env.transitions(15, a));
    }
  }

  @Test
  void notSlipperyMovesAreDeterministic() {
    FrozenLake env = new FrozenLake("4x4", false);
    TableChecks.assertWellFormed(env);
    assertEquals(List.of(new Transition(1, 1, 0, false)), env.transitions(0, FrozenLake.RIGHT));
    assertEquals(List.of(new Transition(1, 0, 0, false)), env.transitions(0, FrozenLake.UP));
    assertEquals(List.of(new Transition(1, 15, 1, true)), env.transitions(14, FrozenLake.RIGHT));
    // Down, down, right, right, down, right: 0 -> 4 -> 8 -> 9 -> 10 -> 14 -> 15.
    env.reset(0);
    int[] path = {1, 1, 2, 2, 1, 2};
    int[] states = {4, 8, 9, 10, 14, 15};
    StepResult<Integer> r = null;
    for (int i = 0; i < path.length; i++) {
      r = env.step(path[i]);
      assertEquals(states[i], r.observation());
      assertEquals(i == path.length - 1, r.terminated());
      assertEquals(i == path.length - 1 ? 1.0 : 0.0, r.reward());
      assertEquals(1.0, r.info().get("prob"));
    }
    assertFalse(env.isRunning());
    assertThrows(IllegalStateException.class, () -> env.step(0));
  }

  @Test
  void fallingIntoAHoleTerminatesWithZeroReward() {
    FrozenLake env = new FrozenLake("4x4", false);
    env.reset(0);
    env.step(FrozenLake.RIGHT);
    StepResult<Integer> r = env.step(FrozenLake.DOWN);
    assertEquals(5, r.observation());
    assertEquals(0.0, r.reward());
    assertTrue(r.terminated());
  }

  @Test
  void steppingMatchesTheSlipperyTable() {
    TableChecks.assertSteppingMatchesTable(new FrozenLake(), 5, 200_000, 2000);
  }

  @Test
  void sameSeedGivesTheSameTrajectoriesAndUnseededResetsContinueTheStream() {
    List<Integer> a = trajectory(new FrozenLake("8x8", true), 123);
    List<Integer> b = trajectory(new FrozenLake("8x8", true), 123);
    List<Integer> c = trajectory(new FrozenLake("8x8", true), 124);
    assertEquals(a, b);
    assertFalse(a.equals(c));
  }

  /** Five episodes (first seeded, then unseeded resets) of a fixed action cycle, states listed. */
  private static List<Integer> trajectory(FrozenLake env, long seed) {
    List<Integer> states = new ArrayList<>();
    for (int episode = 0; episode < 5; episode++) {
      states.add(episode == 0 ? env.reset(seed).observation() : env.reset().observation());
      for (int t = 0; t < 100; t++) {
        StepResult<Integer> r = env.step(t % 3 == 0 ? FrozenLake.DOWN : FrozenLake.RIGHT);
        states.add(r.observation());
        if (r.done()) {
          break;
        }
      }
      states.add(-1);
    }
    return states;
  }

  @Test
  void customMapWithTwoStartsDrawsEitherUniformly() {
    FrozenLake env = new FrozenLake(List.of("SHS", "FFG"), true);
    assertArrayEquals(new double[] {0.5, 0, 0.5, 0, 0, 0}, env.initialDistribution());
    assertTrue(env.isTerminal(1));
    assertTrue(env.isTerminal(5));
    int zeros = 0;
    env.reset(9);
    for (int i = 0; i < 2000; i++) {
      int s = env.reset().observation();
      assertTrue(s == 0 || s == 2);
      zeros += s == 0 ? 1 : 0;
    }
    assertEquals(1000, zeros, 120);
    // From state 2 (top right), left leads into the hole at 1.
    assertEquals(
        List.of(
            new Transition(THIRD, 2, 0, false),
            new Transition(THIRD, 1, 0, true),
            new Transition(THIRD, 5, 1, true)),
        env.transitions(2, FrozenLake.LEFT));
  }

  @Test
  void randomMapHasAPathFromStartToGoalAndIsReproducible() {
    List<String> m1 = FrozenLake.randomMap(8, 0.8, new Generator(3));
    List<String> m2 = FrozenLake.randomMap(8, 0.8, new Generator(3));
    assertEquals(m1, m2);
    assertEquals(8, m1.size());
    assertEquals('S', m1.get(0).charAt(0));
    assertEquals('G', m1.get(7).charAt(7));
    // The goal is reachable: value iteration gives the start a positive success probability.
    FrozenLake env = new FrozenLake(m1, false);
    assertEquals(1.0, TableChecks.optimalValues(env, 1.0)[0], 1e-12);
    assertThrows(
        IllegalArgumentException.class, () -> FrozenLake.randomMap(1, 0.8, new Generator(0)));
    assertThrows(
        IllegalArgumentException.class, () -> FrozenLake.randomMap(4, 0.0, new Generator(0)));
  }

  @Test
  void renderDrawsTheLakeWithTheAgent() {
    FrozenLake env = new FrozenLake();
    env.reset(0);
    BufferedImage img = env.render().orElseThrow();
    assertEquals(128, img.getWidth());
    assertEquals(128, img.getHeight());
    assertEquals(GridRender.AGENT.getRGB(), img.getRGB(16, 16));
    assertEquals(0xff1f3a5f, img.getRGB(32 + 4, 32 + 4));
    assertEquals(0xfff2c14e, img.getRGB(96 + 4, 96 + 4));
  }

  @Test
  void badMapsAreRejectedWithTheReason() {
    IllegalArgumentException ragged =
        assertThrows(
            IllegalArgumentException.class, () -> new FrozenLake(List.of("SFF", "FG"), true));
    assertTrue(ragged.getMessage().contains("row 1 has 2 columns"), ragged.getMessage());
    IllegalArgumentException letter =
        assertThrows(
            IllegalArgumentException.class, () -> new FrozenLake(List.of("SX", "FG"), true));
    assertTrue(letter.getMessage().contains("'X'"), letter.getMessage());
    IllegalArgumentException noStart =
        assertThrows(
            IllegalArgumentException.class, () -> new FrozenLake(List.of("FF", "FG"), true));
    assertTrue(noStart.getMessage().contains("no start"), noStart.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FrozenLake(List.of(), true));
    assertThrows(IllegalArgumentException.class, () -> new FrozenLake("5x5", true));
    FrozenLake env = new FrozenLake();
    assertThrows(IllegalArgumentException.class, () -> env.letter(16));
    assertThrows(IllegalArgumentException.class, () -> FrozenLake.arrow(-1));
    env.reset(0);
    assertThrows(IllegalArgumentException.class, () -> env.step(4));
  }
}
