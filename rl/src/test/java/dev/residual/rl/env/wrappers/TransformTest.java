package dev.residual.rl.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.CountingEnv;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import org.junit.jupiter.api.Test;

class TransformTest {
  @Test
  void transformObservationAppliesToResetAndStepAndChangesTheSpace() {
    CountingEnv inner = new CountingEnv(3);
    Box space = Box.uniform(0f, 30f, 1);
    TransformObservation<Integer, float[], Integer> env =
        new TransformObservation<>(inner, t -> new float[] {10f * t}, space);
    assertEquals(0f, env.reset(0L).observation()[0]);
    StepResult<float[]> r = env.step(1);
    assertEquals(10f, r.observation()[0]);
    assertEquals(1.0, r.reward());
    assertSame(space, env.observationSpace());
    assertSame(inner.actionSpace(), env.actionSpace());
    assertSame(inner, env.unwrapped());
    assertSame(inner, Wrapper.unwrap(new TimeLimit<>(env, 5)));
    assertTrue(env.render().isPresent());
  }

  @Test
  void transformRewardAppliesTheFunction() {
    TransformReward<Integer, Integer> env =
        new TransformReward<>(new CountingEnv(3), r -> Math.min(r, 2.0) * -1);
    env.reset();
    assertEquals(-1.0, env.step(0).reward());
    assertEquals(-2.0, env.step(0).reward());
    StepResult<Integer> last = env.step(0);
    assertEquals(-2.0, last.reward());
    assertTrue(last.terminated());
    assertEquals(3, last.observation());
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> new TransformReward<>(new CountingEnv(1), null));
    assertThrows(
        NullPointerException.class,
        () -> new TransformObservation<>(new CountingEnv(1), t -> t, null));
    assertThrows(NullPointerException.class, () -> new TimeLimit<Integer, Integer>(null, 1));
  }
}
