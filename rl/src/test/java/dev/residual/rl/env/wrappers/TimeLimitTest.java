package dev.residual.rl.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.CountingEnv;
import dev.residual.rl.env.StepResult;
import org.junit.jupiter.api.Test;

class TimeLimitTest {
  @Test
  void truncatesAtTheLimitWhenNotTerminated() {
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new CountingEnv(5), 3);
    env.reset(0L);
    assertFalse(env.step(0).done());
    assertFalse(env.step(0).done());
    StepResult<Integer> r = env.step(0);
    assertTrue(r.truncated());
    assertFalse(r.terminated());
    assertEquals(3, r.observation());
    assertEquals(3.0, r.reward());
    assertEquals(3, env.elapsedSteps());
  }

  @Test
  void terminationAtTheLimitTakesPrecedenceOverTruncation() {
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new CountingEnv(3), 3);
    env.reset(0L);
    env.step(0);
    env.step(0);
    StepResult<Integer> r = env.step(0);
    assertTrue(r.terminated());
    assertFalse(r.truncated());
  }

  @Test
  void terminationBeforeTheLimitPassesThrough() {
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new CountingEnv(2), 10);
    env.reset(0L);
    env.step(0);
    StepResult<Integer> r = env.step(0);
    assertTrue(r.terminated());
    assertFalse(r.truncated());
  }

  @Test
  void counterRestartsOnReset() {
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new CountingEnv(100), 2);
    env.reset(0L);
    env.step(0);
    env.reset();
    assertEquals(0, env.elapsedSteps());
    assertFalse(env.step(0).done());
    assertTrue(env.step(0).truncated());
    env.reset();
    assertFalse(env.step(0).done());
    assertTrue(env.step(0).truncated());
  }

  @Test
  void stepAfterTruncationOrBeforeResetIsAnError() {
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new CountingEnv(100), 1);
    IllegalStateException before = assertThrows(IllegalStateException.class, () -> env.step(0));
    assertTrue(before.getMessage().contains("before reset"), before.getMessage());
    env.reset(0L);
    assertTrue(env.step(0).truncated());
    IllegalStateException after = assertThrows(IllegalStateException.class, () -> env.step(0));
    assertTrue(after.getMessage().contains("after the episode ended"), after.getMessage());
  }

  @Test
  void rejectsNonPositiveLimit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TimeLimit<>(new CountingEnv(1), 0));
    assertTrue(e.getMessage().contains("maxEpisodeSteps"), e.getMessage());
  }

  @Test
  void delegatesSpacesAndUnwraps() {
    CountingEnv inner = new CountingEnv(4);
    TimeLimit<Integer, Integer> env = new TimeLimit<>(new TransformReward<>(inner, r -> r), 3);
    assertSame(inner.observationSpace(), env.observationSpace());
    assertSame(inner.actionSpace(), env.actionSpace());
    assertSame(inner, env.unwrapped());
    assertSame(inner, Wrapper.unwrap(env));
    assertEquals(3, env.maxEpisodeSteps());
  }
}
