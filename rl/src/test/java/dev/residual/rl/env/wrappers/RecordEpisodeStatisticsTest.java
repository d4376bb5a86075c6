package dev.residual.rl.env.wrappers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.CountingEnv;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.wrappers.RecordEpisodeStatistics.Episode;
import org.junit.jupiter.api.Test;

class RecordEpisodeStatisticsTest {
  @Test
  void addsReturnLengthAndTimeAtTheEndOfAnEpisodeOnly() {
    RecordEpisodeStatistics<Integer, Integer> env =
        new RecordEpisodeStatistics<>(new CountingEnv(4));
    env.reset(0L);
    for (int i = 0; i < 3; i++) {
      assertFalse(env.step(0).info().containsKey("episode"));
    }
    StepResult<Integer> last = env.step(0);
    assertTrue(last.terminated());
    Episode e = (Episode) last.info().get("episode");
    assertEquals(1 + 2 + 3 + 4, e.r());
    assertEquals(4, e.l());
    assertTrue(e.t() >= 0 && e.t() < 10, "time " + e.t());
    assertEquals(4, last.info().get("t"), "the inner info is kept");
    assertEquals(1, env.episodeCount());
  }

  @Test
  void rollingWindowsKeepTheLastEpisodesOldestFirst() {
    int[] episode = {0};
    // Episode e returns 1 + 2 + 3 + 3e: a different return each time, to see the order.
    RecordEpisodeStatistics<Integer, Integer> env =
        new RecordEpisodeStatistics<>(
            new TransformReward<>(new TimeLimit<>(new CountingEnv(10), 3), r -> r + episode[0]), 2);
    env.reset(0L);
    env.step(0);
    // An episode interrupted by a reset is not recorded.
    for (int ep = 0; ep < 3; ep++) {
      episode[0] = ep;
      env.reset();
      for (int i = 0; i < 3; i++) {
        env.step(0);
      }
    }
    assertEquals(3, env.episodeCount());
    assertArrayEquals(new double[] {9, 12}, env.returns());
    assertArrayEquals(new int[] {3, 3}, env.lengths());
    assertEquals(2, env.times().length);
    assertEquals(2, env.bufferLength());
  }

  @Test
  void defaultWindowIsHundred() {
    RecordEpisodeStatistics<Integer, Integer> env =
        new RecordEpisodeStatistics<>(new CountingEnv(1));
    for (int ep = 0; ep < 105; ep++) {
      env.reset();
      env.step(0);
    }
    assertEquals(100, env.returns().length);
    assertEquals(100, env.bufferLength());
    assertEquals(105, env.episodeCount());
  }

  @Test
  void wrappingTwiceIsAnError() {
    RecordEpisodeStatistics<Integer, Integer> env =
        new RecordEpisodeStatistics<>(new RecordEpisodeStatistics<>(new CountingEnv(1)));
    env.reset();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(0));
    assertTrue(e.getMessage().contains("episode"), e.getMessage());
  }

  @Test
  void rejectsEmptyWindow() {
    assertThrows(
        IllegalArgumentException.class, () -> new RecordEpisodeStatistics<>(new CountingEnv(1), 0));
  }
}
