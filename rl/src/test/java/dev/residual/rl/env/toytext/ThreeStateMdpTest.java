package dev.residual.rl.env.toytext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.rl.env.FiniteMdp.Transition;
import dev.residual.rl.env.StepResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreeStateMdpTest {
  @Test
  void tablesAreTheDocumentedChain() {
    ThreeStateMdp env = new ThreeStateMdp();
    TableChecks.assertWellFormed(env);
    assertEquals(List.of(new Transition(1, 1, 1, false)), env.transitions(0, ThreeStateMdp.LEFT));
    assertEquals(List.of(new Transition(1, 2, 0, false)), env.transitions(0, ThreeStateMdp.RIGHT));
    for (int a = 0; a < 2; a++) {
      assertEquals(List.of(new Transition(1, 0, 0, false)), env.transitions(1, a));
      assertEquals(List.of(new Transition(1, 0, 2, false)), env.transitions(2, a));
    }
    for (int s = 0; s < 3; s++) {
      assertFalse(env.isTerminal(s));
    }
  }

  @Test
  void playingLeftThenRightEarnsOneThenTwoAndNeverTerminates() {
    ThreeStateMdp env = new ThreeStateMdp();
    assertEquals(0, env.reset(0).observation());
    int[] actions = {0, 1, 1, 0, 0, 1};
    int[] states = {1, 0, 2, 0, 1, 0};
    double[] rewards = {1, 0, 0, 2, 1, 0};
    for (int i = 0; i < actions.length; i++) {
      StepResult<Integer> r = env.step(actions[i]);
      assertEquals(states[i], r.observation());
      assertEquals(rewards[i], r.reward());
      assertFalse(r.done());
    }
  }

  @Test
  void closedFormValuesSolveTheBellmanEquations() {
    ThreeStateMdp env = new ThreeStateMdp();
    for (double gamma : new double[] {0.0, 0.3, 0.5, 0.9, 0.99}) {
      for (int action = 0; action < 2; action++) {
        double[] v = ThreeStateMdp.closedFormValues(action, gamma);
        int[] policy = {action, 0, 0};
        for (int s = 0; s < 3; s++) {
          assertEquals(
              TableChecks.actionValue(env, v, s, policy[s], gamma),
              v[s],
              1e-9,
              "gamma " + gamma + " action " + action + " state " + s);
        }
      }
    }
    assertEquals(1 / 0.19, ThreeStateMdp.closedFormValues(0, 0.9)[0], 1e-12);
    assertEquals(1.8 / 0.19, ThreeStateMdp.closedFormValues(1, 0.9)[0], 1e-12);
  }

  @Test
  void optimalChoiceFlipsAtGammaOneHalf() {
    ThreeStateMdp env = new ThreeStateMdp();
    double[] low = TableChecks.optimalValues(env, 0.3);
    assertArrayEquals(ThreeStateMdp.closedFormValues(0, 0.3), low, 1e-9);
    double[] high = TableChecks.optimalValues(env, 0.9);
    assertArrayEquals(ThreeStateMdp.closedFormValues(1, 0.9), high, 1e-9);
    assertArrayEquals(
        ThreeStateMdp.closedFormValues(0, 0.5), ThreeStateMdp.closedFormValues(1, 0.5), 1e-12);
    assertEquals(0.0, ThreeStateMdp.closedFormValues(1, 0.0)[0]);
    assertEquals(1.0, ThreeStateMdp.closedFormValues(0, 0.0)[0]);
  }

  @Test
  void matricesMatchTheTable() {
    double[][][] t = ThreeStateMdp.transitionMatrix();
    double[][][] r = ThreeStateMdp.rewardMatrix();
    ThreeStateMdp env = new ThreeStateMdp();
    for (int s = 0; s < 3; s++) {
      for (int a = 0; a < 2; a++) {
        for (Transition x : env.transitions(s, a)) {
          assertEquals(t[s][a][x.nextState()], x.probability());
          assertEquals(r[s][a][x.nextState()], x.reward());
        }
      }
    }
  }

  @Test
  void closedFormRejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> ThreeStateMdp.closedFormValues(0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> ThreeStateMdp.closedFormValues(2, 0.5));
    assertThrows(IllegalArgumentException.class, () -> ThreeStateMdp.closedFormValues(0, -0.1));
  }
}
