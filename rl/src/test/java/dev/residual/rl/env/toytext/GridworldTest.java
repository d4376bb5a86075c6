package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp.Transition;
import dev.residual.rl.env.StepResult;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridworldTest {
  @Test
  void stateNumberingIsRowMajorFromTheTop() {
    assertEquals(8, Gridworld.state(0, 0));
    assertEquals(5, Gridworld.state(1, 1));
    assertEquals(3, Gridworld.state(3, 2));
    assertEquals(7, Gridworld.state(3, 1));
    assertEquals(11, Gridworld.state(3, 0));
    for (int s = 0; s < 12; s++) {
      assertEquals(s, Gridworld.state(Gridworld.col(s), Gridworld.row(s)));
    }
    Gridworld env = new Gridworld();
    assertEquals(Gridworld.START, env.reset(0).observation());
    assertEquals(12, env.numStates());
    assertEquals(4, env.numActions());
    for (int s = 0; s < 12; s++) {
      assertEquals(s == 3 || s == 5 || s == 7, env.isTerminal(s));
      assertEquals(s == 5, Gridworld.blockedMask()[s]);
    }
  }

  @Test
  void tableRowsFollowSeventyPercentIntendedAndTenPercentEachOtherDirection() {
    Gridworld env = new Gridworld();
    TableChecks.assertWellFormed(env);
    // Start (0, 0), up: up to state 4 (0.7); down and left bump (0.1 + 0.1); right to 9 (0.1).
    assertRow(
        env.transitions(8, Gridworld.UP),
        new Transition(0.7, 4, -0.04, false),
        new Transition(0.2, 8, -0.04, false),
        new Transition(0.1, 9, -0.04, false));
    // (2, 1), right: into the −1 terminal (0.7); up to 2, down to 10, left bumps into the wall.
    assertRow(
        env.transitions(6, Gridworld.RIGHT),
        new Transition(0.1, 2, -0.04, false),
        new Transition(0.1, 6, -0.04, false),
        new Transition(0.7, 7, -1.0, true),
        new Transition(0.1, 10, -0.04, false));
    // (2, 2), right: into the +1 terminal (0.7); up bumps the edge, left to 1, down to 6.
    assertRow(
        env.transitions(2, Gridworld.RIGHT),
        new Transition(0.1, 1, -0.04, false),
        new Transition(0.1, 2, -0.04, false),
        new Transition(0.7, 3, 1.0, true),
        new Transition(0.1, 6, -0.04, false));
    // (0, 1), right: the wall is there, so the intended move stays put.
    assertRow(
        env.transitions(4, Gridworld.RIGHT),
        new Transition(0.1, 0, -0.04, false),
        new Transition(0.8, 4, -0.04, false),
        new Transition(0.1, 8, -0.04, false));
    for (int a = 0; a < 4; a++) {
      assertEquals(List.of(new Transition(1, 3, 0, true)), env.transitions(3, a));
      assertEquals(List.of(new Transition(1, 7, 0, true)), env.transitions(7, a));
      assertEquals(List.of(new Transition(1, 5, 0, true)), env.transitions(5, a));
    }
  }

  private static void assertRow(List<Transition> row, Transition... expected) {
    assertEquals(expected.length, row.size(), row.toString());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].nextState(), row.get(i).nextState(), row.toString());
      assertEquals(expected[i].probability(), row.get(i).probability(), 1e-12, row.toString());
      assertEquals(expected[i].reward(), row.get(i).reward(), 0.0, row.toString());
      assertEquals(expected[i].terminated(), row.get(i).terminated(), row.toString());
    }
  }

  @Test
  void russellNorvigModelReproducesTheBooksUtilities() {
    Gridworld env = Gridworld.russellNorvig();
    TableChecks.assertWellFormed(env);
    assertRow(
        env.transitions(8, Gridworld.UP),
        new Transition(0.8, 4, -0.04, false),
        new Transition(0.1, 8, -0.04, false),
        new Transition(0.1, 9, -0.04, false));
    double[] v = TableChecks.optimalValues(env, 1.0);
    // AIMA figure 17.3 (γ = 1, R = −0.04), as U(s) = V(s) + R(s) for non-terminal s.
    double[][] book = {
      {0.812, 0.868, 0.918, Double.NaN},
      {0.762, Double.NaN, 0.660, Double.NaN},
      {0.705, 0.655, 0.611, 0.388}
    };
    for (int s = 0; s < 12; s++) {
      double u = book[s / 4][s % 4];
      if (!Double.isNaN(u)) {
        assertEquals(u, v[s] - 0.04, 6e-4, "U of state " + s);
      }
    }
  }

  @Test
  void enteringTerminalsPaysPlusOrMinusOneAndEndsTheEpisode() {
    Gridworld sure = new Gridworld(1.0, Gridworld.Slip.OTHER_THREE, -0.04);
    sure.reset(0);
    int[] path = {Gridworld.UP, Gridworld.UP, Gridworld.RIGHT, Gridworld.RIGHT, Gridworld.RIGHT};
    int[] states = {4, 0, 1, 2, 3};
    double ret = 0;
    StepResult<Integer> r = null;
    for (int i = 0; i < path.length; i++) {
      r = sure.step(path[i]);
      assertEquals(states[i], r.observation());
      ret += r.reward();
    }
    assertTrue(r.terminated());
    assertEquals(1.0, r.reward());
    assertEquals(1.0 - 4 * 0.04, ret, 1e-12);
    sure.reset();
    sure.step(Gridworld.RIGHT);
    sure.step(Gridworld.RIGHT);
    sure.step(Gridworld.UP);
    StepResult<Integer> pit = sure.step(Gridworld.RIGHT);
    assertEquals(7, pit.observation());
    assertEquals(-1.0, pit.reward());
    assertTrue(pit.terminated());
  }

  @Test
  void steppingMatchesTheTable() {
    TableChecks.assertSteppingMatchesTable(new Gridworld(), 21, 200_000, 2000);
  }

  @Test
  void renderShowsWallTerminalsAndAgent() {
    Gridworld env = new Gridworld();
    env.reset(0);
    BufferedImage img = env.render().orElseThrow();
    assertEquals(128, img.getWidth());
    assertEquals(96, img.getHeight());
    assertEquals(GridRender.AGENT.getRGB(), img.getRGB(16, 2 * 32 + 16));
    assertEquals(0xff404040, img.getRGB(32 + 4, 32 + 4));
    assertEquals(0xff33a02c, img.getRGB(96 + 4, 4));
    assertEquals(0xffe31a1c, img.getRGB(96 + 4, 32 + 4));
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Gridworld(1.2, Gridworld.Slip.OTHER_THREE, -0.04));
    assertThrows(IllegalArgumentException.class, () -> new Gridworld(0.7, null, -0.04));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Gridworld(0.7, Gridworld.Slip.PERPENDICULAR, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Gridworld.state(4, 0));
    assertThrows(IllegalArgumentException.class, () -> Gridworld.state(0, 3));
    assertThrows(IllegalArgumentException.class, () -> Gridworld.arrow(5));
    Gridworld env = new Gridworld();
    assertThrows(IllegalStateException.class, () -> env.step(0));
    assertFalse(env.isRunning());
  }
}
