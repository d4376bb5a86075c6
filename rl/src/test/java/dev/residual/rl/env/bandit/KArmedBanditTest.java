package dev.residual.rl.env.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.tensor.Generator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KArmedBanditTest {
  @Test
  void defaultsAreTheBooksTestbed() {
    KArmedBandit env = new KArmedBandit();
    assertEquals(10, env.k());
    assertEquals(1000, env.horizon());
    assertTrue(env.isStationary());
    assertEquals(0.01, env.walkStd());
    assertEquals(0.0, env.meanOffset());
    assertEquals(1, ((Discrete) env.observationSpace()).n());
    assertEquals(10, ((Discrete) env.actionSpace()).n());
  }

  @Test
  void stationaryDrawsMeansThenRewardsFromTheSeededGenerator() {
    KArmedBandit env = new KArmedBandit(4, 0.5, true, 0.01, 10);
    ResetResult<Integer> r = env.reset(42L);
    // The environment's generator is Generator(seed); the means come first, one draw per arm.
    Generator g = new Generator(42L);
    double[] expected = new double[4];
    for (int a = 0; a < 4; a++) {
      expected[a] = 0.5 + g.nextGaussian();
    }
    assertArrayEquals(expected, env.means(), 0.0);
    assertEquals(0, r.observation());
    int best = 0;
    for (int a = 1; a < 4; a++) {
      if (expected[a] > expected[best]) {
        best = a;
      }
    }
    assertEquals(best, r.info().get(KArmedBandit.INFO_BEST_ARM));
    for (int a : new int[] {2, 0, 3, best}) {
      StepResult<Integer> s = env.step(a);
      assertEquals(expected[a] + g.nextGaussian(), s.reward(), 0.0);
      assertEquals(0, s.observation());
      assertEquals(best, s.info().get(KArmedBandit.INFO_BEST_ARM));
      assertEquals(a == best, s.info().get(KArmedBandit.INFO_OPTIMAL));
      assertFalse(s.terminated());
    }
    assertArrayEquals(expected, env.means(), 0.0);
  }

  @Test
  void nonStationaryStartsEqualAndRandomWalksWithStd0_01AfterEachStep() {
    KArmedBandit env = KArmedBandit.nonStationary(3, 100);
    env.reset(7L);
    assertArrayEquals(new double[3], env.means(), 0.0);
    Generator g = new Generator(7L);
    double[] m = new double[3];
    for (int step = 0; step < 5; step++) {
      int a = step % 3;
      StepResult<Integer> s = env.step(a);
      assertEquals(m[a] + g.nextGaussian(), s.reward(), 0.0);
      // Before the walk of this step every arm that ties the maximum is optimal.
      double max = Math.max(m[0], Math.max(m[1], m[2]));
      assertEquals(m[a] == max, s.info().get(KArmedBandit.INFO_OPTIMAL));
      for (int i = 0; i < 3; i++) {
        m[i] += 0.01 * g.nextGaussian();
      }
      assertArrayEquals(m, env.means(), 1e-15);
    }
  }

  @Test
  void firstStepOfANonStationaryBanditIsOptimalForEveryArm() {
    KArmedBandit env = KArmedBandit.nonStationary(10, 5);
    env.reset(1L);
    assertEquals(true, env.step(7).info().get(KArmedBandit.INFO_OPTIMAL));
  }

  @Test
  void randomWalkVarianceGrowsAsStepsTimesStdSquared() {
    KArmedBandit env = KArmedBandit.nonStationary(10, 1000);
    env.reset(3L);
    double sumSq = 0;
    int count = 0;
    for (int episode = 0; episode < 100; episode++) {
      env.reset();
      for (int t = 0; t < 1000; t++) {
        env.step(0);
      }
      for (double v : env.means()) {
        sumSq += v * v;
        count++;
      }
    }
    // 1000 increments of variance 1e-4: Var = 0.1; 1000 samples give a relative s.e. of ~4.5%.
    assertEquals(0.1, sumSq / count, 0.015);
  }

  @Test
  void meansAreStandardNormalAroundTheOffset() {
    KArmedBandit env = new KArmedBandit(10, 4.0, true, 0.01, 1);
    env.reset(11L);
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int episode = 0; episode < 2000; episode++) {
      env.reset();
      for (double v : env.means()) {
        sum += v;
        sumSq += v * v;
        n++;
      }
    }
    double mean = sum / n;
    assertEquals(4.0, mean, 0.03); // s.e. 0.007
    assertEquals(1.0, sumSq / n - mean * mean, 0.05); // s.e. ~0.014
  }

  @Test
  void rewardsAreNormalWithUnitVarianceAroundTheArmMean() {
    KArmedBandit env = new KArmedBandit(3, 0.0, true, 0.01, 20000);
    env.reset(5L, Map.of(KArmedBandit.OPTION_MEANS, new double[] {0.0, 3.0, -1.0}));
    double sum = 0;
    double sumSq = 0;
    int n = 20000;
    for (int t = 0; t < n; t++) {
      double r = env.step(1).reward();
      sum += r;
      sumSq += r * r;
    }
    double mean = sum / n;
    assertEquals(3.0, mean, 0.03); // s.e. 0.007
    assertEquals(1.0, sumSq / n - mean * mean, 0.05); // s.e. 0.01
  }

  @Test
  void sameSeedGivesSameEpisodeAndUnseededResetsContinueTheStream() {
    KArmedBandit a = new KArmedBandit();
    KArmedBandit b = new KArmedBandit();
    a.reset(9L);
    b.reset(9L);
    assertArrayEquals(a.means(), b.means(), 0.0);
    for (int t = 0; t < 20; t++) {
      assertEquals(a.step(t % 10).reward(), b.step(t % 10).reward(), 0.0);
    }
    double[] first = a.means();
    a.reset();
    assertNotEquals(first[0], a.means()[0]);
    a.reset(9L);
    assertArrayEquals(first, a.means(), 0.0);
  }

  @Test
  void horizonTruncatesNeverTerminatesThenStepIsAnError() {
    KArmedBandit env = new KArmedBandit(2, 0.0, true, 0.01, 3);
    env.reset(0L);
    assertFalse(env.step(0).done());
    assertFalse(env.step(1).done());
    StepResult<Integer> last = env.step(0);
    assertTrue(last.truncated());
    assertFalse(last.terminated());
    assertEquals(3, env.stepCount());
    assertThrows(IllegalStateException.class, () -> env.step(0));
    env.reset();
    assertEquals(0, env.stepCount());
    assertFalse(env.step(0).done());
  }

  @Test
  void stepBeforeResetOrWithABadArmIsAnError() {
    KArmedBandit env = new KArmedBandit(3);
    assertThrows(IllegalStateException.class, () -> env.step(0));
    env.reset(0L);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(3));
    assertTrue(e.getMessage().contains("Discrete(3)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> env.step(-1));
  }

  @Test
  void stationaryOptionOverridesTheConstructorForOneEpisode() {
    KArmedBandit env = new KArmedBandit(5);
    env.reset(1L, Map.of(KArmedBandit.OPTION_STATIONARY, false));
    assertFalse(env.isStationary());
    assertArrayEquals(new double[5], env.means(), 0.0);
    env.step(0);
    assertNotEquals(0.0, env.means()[0]);
    env.reset(1L);
    assertTrue(env.isStationary());
    double[] m = env.means();
    env.step(0);
    assertArrayEquals(m, env.means(), 0.0);
  }

  @Test
  void bestArmAndMeanAccessorsFollowTheGivenMeans() {
    KArmedBandit env = new KArmedBandit(4);
    env.reset(0L, Map.of(KArmedBandit.OPTION_MEANS, new double[] {0.1, 2.0, -3.0, 2.0}));
    assertEquals(1, env.bestArm()); // the lowest index on a tie
    assertEquals(-3.0, env.mean(2));
    assertEquals(true, env.step(3).info().get(KArmedBandit.INFO_OPTIMAL)); // ties count
    assertEquals(false, env.step(0).info().get(KArmedBandit.INFO_OPTIMAL));
    double[] copy = env.means();
    copy[0] = 99;
    assertEquals(0.1, env.mean(0)); // means() is a copy
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.mean(4));
    assertEquals("KArmedBandit.mean: arm 4 is not in [0, 4)", e.getMessage());
  }

  @Test
  void badResetOptionsAreErrors() {
    KArmedBandit env = new KArmedBandit(3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> env.reset(0L, Map.of(KArmedBandit.OPTION_MEANS, new double[] {1, 2})));
    assertEquals(
        "KArmedBandit.reset: option 'means' must be a double[3], got double[2]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> env.reset(0L, Map.of(KArmedBandit.OPTION_MEANS, "x")));
    assertEquals(
        "KArmedBandit.reset: option 'means' must be a double[3], got String", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> env.reset(0L, Map.of(KArmedBandit.OPTION_MEANS, new double[] {1, Double.NaN, 2})));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> env.reset(0L, Map.of(KArmedBandit.OPTION_STATIONARY, "yes")));
    assertEquals(
        "KArmedBandit.reset: option 'stationary' must be a Boolean, got String", e.getMessage());
  }

  @Test
  void badConstructorArgumentsAreErrors() {
    assertEquals(
        "KArmedBandit: k must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new KArmedBandit(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new KArmedBandit(3, 0.0, true, 0.01, 0));
    assertThrows(IllegalArgumentException.class, () -> new KArmedBandit(3, 0.0, true, -0.1, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new KArmedBandit(3, 0.0, true, Double.POSITIVE_INFINITY, 10));
    assertThrows(
        IllegalArgumentException.class, () -> new KArmedBandit(3, Double.NaN, true, 0.01, 10));
  }
}
