package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.tensor.Generator;
import org.junit.jupiter.api.Test;

class EpsilonGreedyTest {
  @Test
  void sampleAveragesEqualTheMeanOfTheRewardsOfEachArm() {
    EpsilonGreedy agent = EpsilonGreedy.sampleAverage(0.1);
    agent.reset(3);
    double[] rewards0 = {1.5, -0.25, 2.0, 0.125};
    double[] rewards2 = {-3.0, 4.0};
    for (double r : rewards0) {
      agent.update(0, r);
    }
    for (double r : rewards2) {
      agent.update(2, r);
    }
    assertArrayEquals(
        new double[] {(1.5 - 0.25 + 2.0 + 0.125) / 4, 0.0, 0.5}, agent.estimates(), 1e-15);
    assertArrayEquals(new long[] {4, 0, 2}, agent.counts());
  }

  @Test
  void sampleAveragesForgetTheInitialValueAfterTheFirstPull() {
    EpsilonGreedy agent = new EpsilonGreedy(0.0, ActionValueAgent.SAMPLE_AVERAGE, 5.0);
    agent.reset(2);
    assertArrayEquals(new double[] {5.0, 5.0}, agent.estimates(), 0.0);
    agent.update(1, -0.75);
    assertArrayEquals(new double[] {5.0, -0.75}, agent.estimates(), 0.0);
  }

  @Test
  void constantStepSizeIsAnExponentialRecencyWeightedAverage() {
    EpsilonGreedy agent = EpsilonGreedy.constantStep(0.0, 0.1, 5.0);
    agent.reset(2);
    agent.update(0, 1.0); // 5 + 0.1 (1 - 5) = 4.6
    assertEquals(4.6, agent.estimates()[0], 1e-12);
    agent.update(0, 2.0); // 4.6 + 0.1 (2 - 4.6) = 4.34 = 0.9² 5 + 0.1 0.9 1 + 0.1 2
    assertEquals(4.34, agent.estimates()[0], 1e-12);
    assertEquals(5.0, agent.estimates()[1], 0.0);
  }

  @Test
  void greedyPicksTheLargestEstimateAndBreaksTiesAtRandom() {
    EpsilonGreedy agent = EpsilonGreedy.sampleAverage(0.0);
    agent.reset(4);
    Generator g = new Generator(3);
    int[] first = new int[4];
    for (int i = 0; i < 4000; i++) {
      first[agent.act(g)]++;
    }
    // All estimates are 0: each arm ~1000 times (s.d. ~27).
    for (int c : first) {
      assertEquals(1000, c, 150);
    }
    agent.update(2, 0.5);
    for (int i = 0; i < 100; i++) {
      assertEquals(2, agent.act(g));
    }
  }

  @Test
  void epsilonExploresUniformlyIncludingTheGreedyArm() {
    EpsilonGreedy agent = EpsilonGreedy.sampleAverage(0.1);
    agent.reset(10);
    agent.update(4, 1.0);
    Generator g = new Generator(4);
    int n = 100000;
    int nonGreedy = 0;
    for (int i = 0; i < n; i++) {
      if (agent.act(g) != 4) {
        nonGreedy++;
      }
    }
    // P(non-greedy) = ε (k - 1) / k = 0.09; s.d. of the fraction ~0.0009.
    assertEquals(0.09, nonGreedy / (double) n, 0.005);
  }

  @Test
  void epsilonOneIsUniformlyRandom() {
    EpsilonGreedy agent = EpsilonGreedy.sampleAverage(1.0);
    agent.reset(5);
    agent.update(0, 10.0);
    Generator g = new Generator(5);
    int[] counts = new int[5];
    for (int i = 0; i < 50000; i++) {
      counts[agent.act(g)]++;
    }
    for (int c : counts) {
      assertEquals(10000, c, 500);
    }
  }

  @Test
  void misuseAndBadArgumentsAreErrors() {
    assertEquals(
        "EpsilonGreedy: epsilon must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> EpsilonGreedy.sampleAverage(1.5))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> EpsilonGreedy.sampleAverage(Double.NaN));
    assertEquals(
        "EpsilonGreedy: step size must be in [0, 1] (0 = sample averages), got 1.5",
        assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedy(0.1, 1.5, 0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> EpsilonGreedy.constantStep(0.1, 0.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EpsilonGreedy(0.1, 0.1, Double.POSITIVE_INFINITY));
    EpsilonGreedy agent = EpsilonGreedy.sampleAverage(0.1);
    assertEquals(
        "EpsilonGreedy.act: call reset(k) first",
        assertThrows(IllegalStateException.class, () -> agent.act(new Generator(0))).getMessage());
    assertThrows(IllegalStateException.class, () -> agent.update(0, 1.0));
    assertThrows(IllegalStateException.class, agent::estimates);
    assertThrows(IllegalArgumentException.class, () -> agent.reset(0));
    agent.reset(3);
    assertEquals(
        "EpsilonGreedy.update: action 3 is not in [0, 3)",
        assertThrows(IllegalArgumentException.class, () -> agent.update(3, 1.0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> agent.update(-1, 1.0));
  }
}
