package dev.residual.rl.env.probes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.StepResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeEnvTest {
  @Test
  void probe1GivesPlusOneAndTerminatesAfterOneStep() {
    Probe1 env = new Probe1();
    assertArrayEquals(new float[] {0f}, env.reset(0).observation());
    assertArrayEquals(new int[] {1}, env.observationSpace().shape());
    assertEquals(1, env.actionSpace().n());
    StepResult<float[]> r = env.step(0);
    assertEquals(1.0, r.reward());
    assertTrue(r.terminated());
    assertFalse(r.truncated());
    assertTrue(env.observationSpace().contains(r.observation()));
    assertThrows(IllegalStateException.class, () -> env.step(0));
    assertArrayEquals(new double[] {1.0}, env.expectedQ(new float[] {0f}, 0.99));
  }

  @Test
  void probe2RewardEqualsTheRandomObservation() {
    Probe2 env = new Probe2();
    int plus = 0;
    env.reset(5);
    for (int i = 0; i < 1000; i++) {
      float[] obs = i == 0 ? env.reset(5).observation() : env.reset().observation();
      assertTrue(obs[0] == 1f || obs[0] == -1f);
      assertTrue(env.observationSpace().contains(obs));
      StepResult<float[]> r = env.step(0);
      assertEquals(obs[0], r.reward());
      assertTrue(r.terminated());
      plus += obs[0] > 0 ? 1 : 0;
    }
    assertEquals(500, plus, 80);
    assertArrayEquals(new double[] {1.0}, env.expectedQ(new float[] {1f}, 0.9));
    assertArrayEquals(new double[] {-1.0}, env.expectedQ(new float[] {-1f}, 0.9));
  }

  @Test
  void probe3PaysPlusOneAtTheEndOfTwoSteps() {
    Probe3 env = new Probe3();
    assertArrayEquals(new float[] {0f}, env.reset(0).observation());
    StepResult<float[]> first = env.step(0);
    assertArrayEquals(new float[] {1f}, first.observation());
    assertEquals(0.0, first.reward());
    assertFalse(first.done());
    StepResult<float[]> second = env.step(0);
    assertEquals(1.0, second.reward());
    assertTrue(second.terminated());
    assertFalse(second.truncated());
    // A second episode behaves the same.
    assertArrayEquals(new float[] {0f}, env.reset().observation());
    assertFalse(env.step(0).done());
    assertTrue(env.step(0).terminated());
    assertArrayEquals(new double[] {0.99}, env.expectedQ(new float[] {0f}, 0.99));
    assertArrayEquals(new double[] {1.0}, env.expectedQ(new float[] {1f}, 0.99));
  }

  @Test
  void probe4RewardsActionOneOverActionZero() {
    Probe4 env = new Probe4();
    assertEquals(2, env.actionSpace().n());
    env.reset(0);
    StepResult<float[]> zero = env.step(0);
    assertEquals(-1.0, zero.reward());
    assertTrue(zero.terminated());
    env.reset();
    StepResult<float[]> one = env.step(1);
    assertEquals(1.0, one.reward());
    assertTrue(one.terminated());
    assertArrayEquals(new double[] {-1.0, 1.0}, env.expectedQ(new float[] {0f}, 0.5));
  }

  @Test
  void probe5RewardsMatchingTheObservation() {
    Probe5 env = new Probe5();
    int zeros = 0;
    env.reset(8);
    for (int i = 0; i < 1000; i++) {
      float[] obs = env.reset().observation();
      assertTrue(obs[0] == 0f || obs[0] == 1f);
      int action = i % 2;
      StepResult<float[]> r = env.step(action);
      assertEquals(action == (int) obs[0] ? 1.0 : -1.0, r.reward());
      assertTrue(r.terminated());
      zeros += obs[0] == 0f ? 1 : 0;
    }
    assertEquals(500, zeros, 80);
    assertArrayEquals(new double[] {1.0, -1.0}, env.expectedQ(new float[] {0f}, 0.99));
    assertArrayEquals(new double[] {-1.0, 1.0}, env.expectedQ(new float[] {1f}, 0.99));
  }

  @Test
  void sameSeedGivesTheSameObservationSequence() {
    assertEquals(observations(new Probe5(), 42), observations(new Probe5(), 42));
    assertEquals(observations(new Probe2(), 42), observations(new Probe2(), 42));
    assertFalse(observations(new Probe2(), 42).equals(observations(new Probe2(), 43)));
  }

  private static List<Float> observations(ProbeEnv env, long seed) {
    List<Float> out = new ArrayList<>();
    out.add(env.reset(seed).observation()[0]);
    for (int i = 0; i < 50; i++) {
      env.step(0);
      out.add(env.reset().observation()[0]);
    }
    return out;
  }

  @Test
  void allListsTheFiveProbesWithObservationsInTheirSpaces() {
    List<ProbeEnv> all = ProbeEnv.all();
    assertEquals(5, all.size());
    int[] actions = {1, 1, 1, 2, 2};
    for (int i = 0; i < 5; i++) {
      ProbeEnv env = all.get(i);
      assertEquals("Probe" + (i + 1), env.getClass().getSimpleName());
      assertEquals(actions[i], env.actionSpace().n());
      for (float[] o : env.observations()) {
        assertTrue(env.observationSpace().contains(o));
        assertEquals(actions[i], env.expectedQ(o, 0.9).length);
      }
    }
  }

  @Test
  void errorsNameTheProblem() {
    Probe4 env = new Probe4();
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> env.step(0));
    assertTrue(early.getMessage().contains("Probe4"), early.getMessage());
    env.reset(0);
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> env.step(2));
    assertTrue(bad.getMessage().contains("Discrete(2)"), bad.getMessage());
    IllegalArgumentException obs =
        assertThrows(IllegalArgumentException.class, () -> env.expectedQ(new float[] {0.5f}, 0.9));
    assertTrue(obs.getMessage().contains("[0.5]"), obs.getMessage());
    assertThrows(IllegalArgumentException.class, () -> env.expectedQ(new float[] {0f, 0f}, 0.9));
    assertThrows(IllegalArgumentException.class, () -> env.expectedQ(null, 0.9));
    assertThrows(IllegalArgumentException.class, () -> env.expectedQ(new float[] {0f}, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new Probe3().expectedQ(new float[] {2f}, 1));
  }
}
