package dev.residual.rl.env.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.CountingEnv;
import dev.residual.rl.env.Env;
import dev.residual.rl.env.classic.CartPole;
import dev.residual.rl.env.wrappers.RecordEpisodeStatistics;
import dev.residual.rl.env.wrappers.RecordEpisodeStatistics.Episode;
import dev.residual.tensor.Generator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SyncVectorEnvTest {
  /** Sub-environment 0 ends after 2 steps, sub-environment 1 after 3. */
  private static SyncVectorEnv<Integer, Integer> twoCounters(AutoresetMode mode) {
    List<Supplier<Env<Integer, Integer>>> fs =
        List.of(() -> new CountingEnv(2), () -> new CountingEnv(3));
    return new SyncVectorEnv<>(fs, mode);
  }

  private static final List<Integer> ZEROS = List.of(0, 0);

  @Test
  void nextStepModeReturnsTheFinalObservationThenResetsOnTheFollowingCall() {
    SyncVectorEnv<Integer, Integer> v = twoCounters(AutoresetMode.NEXT_STEP);
    assertEquals(List.of(0, 0), v.reset(0L).observations());

    VectorStepResult<Integer> s1 = v.step(ZEROS);
    assertEquals(List.of(1, 1), s1.observations());
    assertArrayEquals(new double[] {1, 1}, s1.rewards());

    VectorStepResult<Integer> s2 = v.step(ZEROS);
    assertEquals(List.of(2, 2), s2.observations(), "env 0's final observation");
    assertArrayEquals(new double[] {2, 2}, s2.rewards());
    assertArrayEquals(new boolean[] {true, false}, s2.terminated());
    assertArrayEquals(new boolean[] {false, false}, s2.truncated());
    assertEquals(Map.of("t", 2), s2.infos().get(0));

    // Env 0 is reset now: its action is ignored, reward 0, flags false, the reset's info.
    VectorStepResult<Integer> s3 = v.step(List.of(1, 0));
    assertEquals(List.of(0, 3), s3.observations());
    assertArrayEquals(new double[] {0, 3}, s3.rewards());
    assertArrayEquals(new boolean[] {false, true}, s3.terminated());
    assertArrayEquals(new boolean[] {false, false}, s3.truncated());
    assertEquals(2, s3.infos().get(0).get("resets"));
    assertTrue(s3.done(1));
    assertFalse(s3.done(0));

    VectorStepResult<Integer> s4 = v.step(ZEROS);
    assertEquals(List.of(1, 0), s4.observations());
    assertArrayEquals(new double[] {1, 0}, s4.rewards());
    assertArrayEquals(new boolean[] {false, false}, s4.terminated());
  }

  @Test
  void sameStepModeResetsWithinTheStepAndKeepsTheFinalObservationInInfo() {
    SyncVectorEnv<Integer, Integer> v = twoCounters(AutoresetMode.SAME_STEP);
    v.reset(0L);
    v.step(ZEROS);
    VectorStepResult<Integer> s2 = v.step(ZEROS);
    assertEquals(List.of(0, 2), s2.observations(), "env 0 already reset");
    assertArrayEquals(new double[] {2, 2}, s2.rewards(), "the final step's reward");
    assertArrayEquals(new boolean[] {true, false}, s2.terminated());
    Map<String, Object> info0 = s2.infos().get(0);
    assertEquals(2, info0.get(SyncVectorEnv.FINAL_OBS));
    assertEquals(Map.of("t", 2), info0.get(SyncVectorEnv.FINAL_INFO));
    assertEquals(2, info0.get("resets"), "the reset's info is there too");
    assertFalse(s2.infos().get(1).containsKey(SyncVectorEnv.FINAL_OBS));

    // The next call is an ordinary step of env 0's new episode.
    VectorStepResult<Integer> s3 = v.step(ZEROS);
    assertEquals(List.of(1, 0), s3.observations());
    assertArrayEquals(new double[] {1, 3}, s3.rewards());
    assertArrayEquals(new boolean[] {false, true}, s3.terminated());
    assertEquals(3, s3.infos().get(1).get(SyncVectorEnv.FINAL_OBS));
  }

  @Test
  void episodeStatisticsArriveInInfoOrInFinalInfo() {
    for (AutoresetMode mode : AutoresetMode.values()) {
      SyncVectorEnv<Integer, Integer> v =
          SyncVectorEnv.of(1, () -> new RecordEpisodeStatistics<>(new CountingEnv(2)), mode);
      v.reset(0L);
      v.step(List.of(0));
      Map<String, Object> info = v.step(List.of(0)).infos().get(0);
      Object stats =
          mode == AutoresetMode.NEXT_STEP
              ? info.get("episode")
              : ((Map<?, ?>) info.get(SyncVectorEnv.FINAL_INFO)).get("episode");
      assertEquals(3.0, ((Episode) stats).r(), mode.name());
      assertEquals(2, ((Episode) stats).l());
    }
  }

  @Test
  void resetSeedsSubEnvironmentIWithSeedPlusI() {
    SyncVectorEnv<Integer, Integer> v =
        SyncVectorEnv.of(3, () -> new CountingEnv(2), AutoresetMode.NEXT_STEP);
    List<Map<String, Object>> infos = v.reset(10L).infos();
    for (int i = 0; i < 3; i++) {
      assertEquals(new Generator(10 + i).nextInt(1_000_000), infos.get(i).get("draw"));
    }
    // Unseeded: each continues its own stream.
    List<Map<String, Object>> again = v.reset(null).infos();
    for (int i = 0; i < 3; i++) {
      Generator g = new Generator(10 + i);
      g.nextInt(1_000_000);
      assertEquals(g.nextInt(1_000_000), again.get(i).get("draw"));
    }
  }

  @Test
  void sameSeedGivesSameCartPoleTrajectories() {
    assertEquals(cartPoleRun(3L), cartPoleRun(3L));
    assertNotEquals(cartPoleRun(3L), cartPoleRun(4L));
  }

  private static String cartPoleRun(long seed) {
    SyncVectorEnv<float[], Integer> v = SyncVectorEnv.of(2, CartPole::new, AutoresetMode.SAME_STEP);
    StringBuilder sb = new StringBuilder();
    v.reset(seed).observations().forEach(o -> sb.append(java.util.Arrays.toString(o)));
    Generator g = new Generator(1);
    for (int t = 0; t < 60; t++) {
      VectorStepResult<float[]> r = v.step(List.of(g.nextInt(2), g.nextInt(2)));
      r.observations().forEach(o -> sb.append(java.util.Arrays.toString(o)));
      sb.append(java.util.Arrays.toString(r.terminated()));
    }
    v.close();
    return sb.toString();
  }

  @Test
  void misuseIsReported() {
    SyncVectorEnv<Integer, Integer> v = twoCounters(AutoresetMode.NEXT_STEP);
    IllegalStateException before = assertThrows(IllegalStateException.class, () -> v.step(ZEROS));
    assertTrue(before.getMessage().contains("before reset"), before.getMessage());
    v.reset(0L);
    IllegalArgumentException wrongCount =
        assertThrows(IllegalArgumentException.class, () -> v.step(List.of(0)));
    assertTrue(
        wrongCount.getMessage().contains("expected 2 actions, got 1"), wrongCount.getMessage());
    assertThrows(IllegalArgumentException.class, () -> v.step(List.of(0, 5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SyncVectorEnv<Integer, Integer>(List.of(), AutoresetMode.SAME_STEP));
    assertThrows(
        IllegalArgumentException.class,
        () -> SyncVectorEnv.of(0, () -> new CountingEnv(1), AutoresetMode.SAME_STEP));
    assertThrows(
        IllegalArgumentException.class,
        () -> SyncVectorEnv.of(1, () -> null, AutoresetMode.SAME_STEP));
  }

  @Test
  void exposesSizesAndSpaces() {
    SyncVectorEnv<Integer, Integer> v = twoCounters(AutoresetMode.SAME_STEP);
    assertEquals(2, v.numEnvs());
    assertEquals(AutoresetMode.SAME_STEP, v.mode());
    assertEquals(v.env(0).actionSpace(), v.singleActionSpace());
    assertEquals(v.env(0).observationSpace(), v.singleObservationSpace());
  }
}
