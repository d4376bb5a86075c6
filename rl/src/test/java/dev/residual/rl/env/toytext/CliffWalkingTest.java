package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.FiniteMdp.Transition;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliffWalkingTest {
  @Test
  void resetStartsBottomLeftWithProbOneInfo() {
    CliffWalking env = new CliffWalking();
    ResetResult<Integer> r = env.reset(0);
    assertEquals(36, r.observation());
    assertEquals(1.0, r.info().get("prob"));
    assertEquals(48, env.observationSpace().n());
    assertEquals(4, env.actionSpace().n());
    assertEquals(36, CliffWalking.state(3, 0));
    assertEquals(47, CliffWalking.state(3, 11));
  }

  @Test
  void steppingIntoTheCliffCostsHundredAndReturnsToStartWithoutTerminating() {
    CliffWalking env = new CliffWalking();
    env.reset(1);
    StepResult<Integer> r = env.step(CliffWalking.RIGHT);
    assertEquals(36, r.observation());
    assertEquals(-100.0, r.reward());
    assertFalse(r.terminated());
    assertFalse(r.truncated());
    // From the row above the cliff, going down also falls.
    env.step(CliffWalking.UP);
    env.step(CliffWalking.RIGHT);
    StepResult<Integer> fall = env.step(CliffWalking.DOWN);
    assertEquals(36, fall.observation());
    assertEquals(-100.0, fall.reward());
    assertFalse(fall.terminated());
    assertTrue(env.isRunning());
  }

  @Test
  void optimalPathOfThirteenStepsReturnsMinusThirteenAndTerminatesAtGoal() {
    CliffWalking env = new CliffWalking();
    env.reset(2);
    double ret = 0;
    int steps = 0;
    StepResult<Integer> r = env.step(CliffWalking.UP);
    ret += r.reward();
    steps++;
    assertEquals(24, r.observation());
    for (int i = 0; i < 11; i++) {
      r = env.step(CliffWalking.RIGHT);
      ret += r.reward();
      steps++;
      assertEquals(25 + i, r.observation());
      assertFalse(r.terminated());
    }
    r = env.step(CliffWalking.DOWN);
    ret += r.reward();
    steps++;
    assertEquals(47, r.observation());
    assertTrue(r.terminated());
    assertFalse(r.truncated());
    assertEquals(13, steps);
    assertEquals(-13.0, ret);
    assertThrows(IllegalStateException.class, () -> env.step(CliffWalking.UP));
  }

  @Test
  void movesOffTheGridStayInPlaceForMinusOne() {
    CliffWalking env = new CliffWalking();
    env.reset(3);
    StepResult<Integer> left = env.step(CliffWalking.LEFT);
    assertEquals(36, left.observation());
    assertEquals(-1.0, left.reward());
    StepResult<Integer> down = env.step(CliffWalking.DOWN);
    assertEquals(36, down.observation());
    assertEquals(-1.0, down.reward());
  }

  @Test
  void tableRowsMatchHandCheckedMoves() {
    CliffWalking env = new CliffWalking();
    TableChecks.assertWellFormed(env);
    assertEquals(List.of(new Transition(1, 47, -1, true)), env.transitions(35, CliffWalking.DOWN));
    assertEquals(List.of(new Transition(1, 36, -1, false)), env.transitions(24, CliffWalking.DOWN));
    assertEquals(
        List.of(new Transition(1, 36, -100, false)), env.transitions(25, CliffWalking.DOWN));
    assertEquals(
        List.of(new Transition(1, 36, -100, false)), env.transitions(36, CliffWalking.RIGHT));
    assertEquals(List.of(new Transition(1, 0, -1, false)), env.transitions(0, CliffWalking.UP));
    assertEquals(
        List.of(new Transition(1, 11, -1, false)), env.transitions(11, CliffWalking.RIGHT));
    assertEquals(List.of(new Transition(1, 47, 0, true)), env.transitions(47, CliffWalking.LEFT));
    for (int s = 0; s < 48; s++) {
      assertEquals(s == 47, env.isTerminal(s));
      assertEquals(s >= 37 && s <= 46, CliffWalking.isCliff(s));
      assertEquals(CliffWalking.isCliff(s), CliffWalking.cliffMask()[s]);
    }
  }

  @Test
  void optimalValueOfTheStartIsMinusThirteen() {
    double[] v = TableChecks.optimalValues(new CliffWalking(), 1.0);
    assertEquals(-13.0, v[36], 1e-9);
    assertEquals(-12.0, v[24], 1e-9);
    assertEquals(-1.0, v[35], 1e-9);
    assertEquals(0.0, v[47], 0.0);
  }

  @Test
  void steppingMatchesTheTable() {
    TableChecks.assertSteppingMatchesTable(new CliffWalking(), 11, 20_000, 200);
  }

  @Test
  void renderMarksTheAgentOnTheStartCell() {
    CliffWalking env = new CliffWalking();
    env.reset(0);
    BufferedImage img = env.render().orElseThrow();
    assertEquals(12 * 32, img.getWidth());
    assertEquals(4 * 32, img.getHeight());
    assertEquals(GridRender.AGENT.getRGB(), img.getRGB(16, 3 * 32 + 16));
    // A cliff cell, away from its border.
    assertEquals(0xff5a3a22, img.getRGB(32 + 6, 3 * 32 + 6));
    env.step(CliffWalking.UP);
    BufferedImage after = env.render().orElseThrow();
    assertEquals(GridRender.AGENT.getRGB(), after.getRGB(16, 2 * 32 + 16));
  }

  @Test
  void errorsNameTheProblem() {
    CliffWalking env = new CliffWalking();
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> env.step(0));
    assertTrue(early.getMessage().contains("before reset"), early.getMessage());
    env.reset(0);
    assertThrows(IllegalArgumentException.class, () -> env.step(4));
    assertThrows(IllegalArgumentException.class, () -> env.step(-1));
    assertThrows(IllegalArgumentException.class, () -> env.transitions(48, 0));
    assertThrows(IllegalArgumentException.class, () -> env.transitions(0, 4));
    assertThrows(IllegalArgumentException.class, () -> env.isTerminal(-1));
    assertThrows(IllegalArgumentException.class, () -> CliffWalking.state(4, 0));
    assertThrows(IllegalArgumentException.class, () -> CliffWalking.arrow(4));
    assertArrayEquals(
        new String[] {"↑", "→", "↓", "←"},
        new String[] {
          CliffWalking.arrow(0), CliffWalking.arrow(1), CliffWalking.arrow(2), CliffWalking.arrow(3)
        });
  }
}
