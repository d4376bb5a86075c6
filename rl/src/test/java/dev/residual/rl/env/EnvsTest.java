package dev.residual.rl.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.classic.CartPole;
import dev.residual.rl.env.wrappers.TimeLimit;
import dev.residual.rl.env.wrappers.Wrapper;
import org.junit.jupiter.api.Test;

class EnvsTest {
  @Test
  void cartPoleIsRegisteredWithItsLimitAndThreshold() {
    EnvSpec spec = Envs.spec("CartPole-v1");
    assertEquals(500, spec.maxEpisodeSteps());
    assertEquals(475.0, spec.rewardThreshold());
    assertTrue(Envs.ids().contains("CartPole-v1"));
    Env<float[], Integer> env = Envs.make("CartPole-v1");
    assertTrue(env instanceof TimeLimit<?, ?>);
    assertEquals(500, ((TimeLimit<?, ?>) env).maxEpisodeSteps());
    assertTrue(Wrapper.unwrap(env) instanceof CartPole);
  }

  @Test
  void aBalancingControllerIsTruncatedAtFiveHundredSteps() {
    Env<float[], Integer> env = Envs.make("CartPole-v1");
    float[] obs = env.reset(0L).observation();
    int steps = 0;
    StepResult<float[]> r;
    do {
      // Push toward where the pole is falling, and lean back toward the centre.
      double u = obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.1 * obs[1];
      r = env.step(u > 0 ? 1 : 0);
      obs = r.observation();
      steps++;
    } while (!r.done());
    assertEquals(500, steps);
    assertTrue(r.truncated());
    assertFalse(r.terminated());
  }

  @Test
  void makeWithALimitOverridesTheSpec() {
    Env<float[], Integer> env = Envs.make("CartPole-v1", 3);
    env.reset(null, java.util.Map.of("state", new double[] {0, 0, 0, 0}));
    env.step(1);
    env.step(0);
    assertTrue(env.step(1).truncated());
    assertThrows(IllegalArgumentException.class, () -> Envs.make("CartPole-v1", 0));
  }

  @Test
  void registeredEnvironmentsWithoutALimitAreNotWrapped() {
    Envs.register("EnvsTest-Counting-v0", () -> new CountingEnv(2), null, null);
    Env<Integer, Integer> env = Envs.make("EnvsTest-Counting-v0");
    assertTrue(env instanceof CountingEnv);
    assertTrue(Envs.isRegistered("EnvsTest-Counting-v0"));
  }

  @Test
  void unknownIdListsCloseIds() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Envs.make("CartPole-v0"));
    assertTrue(e.getMessage().contains("\"CartPole-v0\""), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean CartPole-v1"), e.getMessage());
    IllegalArgumentException far =
        assertThrows(IllegalArgumentException.class, () -> Envs.spec("Zzzzzzzzzzzzzzzzzz"));
    assertTrue(far.getMessage().contains("registered: "), far.getMessage());
  }

  @Test
  void registrationErrors() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Envs.register("CartPole-v1", CartPole::new, 500, null));
    assertThrows(
        IllegalArgumentException.class, () -> Envs.register(" ", CartPole::new, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> Envs.register("EnvsTest-Bad-v0", CartPole::new, 0, null));
    assertThrows(
        NullPointerException.class, () -> Envs.register("EnvsTest-Null-v0", null, null, null));
  }

  @Test
  void everyRegisteredEnvironmentResetsAndStepsWithASampledAction() {
    for (String id : Envs.ids()) {
      Env<Object, Object> env = Envs.make(id);
      env.actionSpace().seed(3);
      ResetResult<Object> first = env.reset(5L, java.util.Map.of());
      assertTrue(env.observationSpace().contains(first.observation()), id + " reset observation");
      StepResult<Object> r = env.step(env.actionSpace().sample());
      assertTrue(env.observationSpace().contains(r.observation()), id + " step observation");
      assertTrue(Double.isFinite(r.reward()), id);
    }
    assertTrue(
        Envs.ids().containsAll(java.util.List.of("FrozenLake-v1", "CliffWalking-v0", "Probe5-v0")));
  }
}
