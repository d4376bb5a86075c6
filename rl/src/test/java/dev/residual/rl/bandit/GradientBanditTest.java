package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.tensor.Generator;
import org.junit.jupiter.api.Test;

class GradientBanditTest {
  private static double[] softmax(double[] h) {
    double[] p = new double[h.length];
    double s = 0;
    for (int i = 0; i < h.length; i++) {
      p[i] = Math.exp(h[i]);
      s += p[i];
    }
    for (int i = 0; i < h.length; i++) {
      p[i] /= s;
    }
    return p;
  }

  @Test
  void startsWithZeroPreferencesAndAUniformPolicy() {
    GradientBandit agent = new GradientBandit(0.1, true);
    agent.reset(4);
    assertArrayEquals(new double[4], agent.preferences(), 0.0);
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, agent.probabilities(), 1e-15);
  }

  @Test
  void preferenceUpdateWithBaselineMatchesTheBookByHand() {
    GradientBandit agent = new GradientBandit(0.1, true);
    agent.reset(3);
    // Step 1: the baseline includes this reward, R̄ = 1, so R - R̄ = 0 and nothing moves.
    agent.update(0, 1.0);
    assertArrayEquals(new double[3], agent.preferences(), 0.0);
    assertEquals(1.0, agent.averageReward(), 0.0);
    // Step 2: R̄ = (1 + 3) / 2 = 2, R - R̄ = 1, π uniform:
    // H(1) = 0.1 (1 - 1/3) = 1/15, H(0) = H(2) = -0.1 / 3 = -1/30.
    agent.update(1, 3.0);
    double[] h = {-1.0 / 30, 1.0 / 15, -1.0 / 30};
    assertArrayEquals(h, agent.preferences(), 1e-15);
    assertArrayEquals(softmax(h), agent.probabilities(), 1e-15);
    // Step 3: R̄ = (1 + 3 - 1) / 3 = 1, R - R̄ = -2, with π = softmax(h).
    double[] p = softmax(h);
    agent.update(2, -1.0);
    double[] h3 = {h[0] - 0.1 * -2 * p[0], h[1] - 0.1 * -2 * p[1], h[2] + 0.1 * -2 * (1 - p[2])};
    assertArrayEquals(h3, agent.preferences(), 1e-15);
    assertEquals(1.0, agent.averageReward(), 1e-15);
  }

  @Test
  void preferenceUpdateWithoutBaselineUsesTheRawReward() {
    GradientBandit agent = new GradientBandit(0.4, false);
    agent.reset(2);
    agent.update(0, 1.0);
    // H(0) = 0.4 * 1 * (1 - 0.5) = 0.2, H(1) = -0.4 * 1 * 0.5 = -0.2.
    assertArrayEquals(new double[] {0.2, -0.2}, agent.preferences(), 1e-15);
    double[] p = softmax(new double[] {0.2, -0.2});
    agent.update(1, 2.0);
    assertArrayEquals(
        new double[] {0.2 - 0.8 * p[0], -0.2 + 0.8 * (1 - p[1])}, agent.preferences(), 1e-15);
  }

  @Test
  void actionsAreSampledFromTheSoftmaxPolicy() {
    GradientBandit agent = new GradientBandit(0.5, false);
    agent.reset(3);
    agent.update(0, 2.0);
    agent.update(2, 1.0);
    double[] p = agent.probabilities();
    Generator g = new Generator(6);
    int n = 60000;
    int[] counts = new int[3];
    for (int i = 0; i < n; i++) {
      counts[agent.act(g)]++;
    }
    for (int a = 0; a < 3; a++) {
      // s.d. of a frequency <= 0.5 / sqrt(n) = 0.002.
      assertEquals(p[a], counts[a] / (double) n, 0.01, "arm " + a);
    }
  }

  @Test
  void hugePreferencesDoNotOverflow() {
    GradientBandit agent = new GradientBandit(1.0, false);
    agent.reset(2);
    for (int i = 0; i < 50; i++) {
      agent.update(0, 1e6);
    }
    double[] p = agent.probabilities();
    assertEquals(1.0, p[0] + p[1], 1e-12);
    assertEquals(0, agent.act(new Generator(0)));
  }

  @Test
  void badArgumentsAndMisuseAreErrors() {
    assertEquals(
        "GradientBandit: alpha must be positive and finite, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new GradientBandit(0.0, true))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GradientBandit(Double.NaN, true));
    GradientBandit agent = new GradientBandit(0.1, true);
    assertEquals(
        "GradientBandit.act: call reset(k) first",
        assertThrows(IllegalStateException.class, () -> agent.act(new Generator(0))).getMessage());
    assertThrows(IllegalStateException.class, () -> agent.update(0, 0.0));
    assertThrows(IllegalArgumentException.class, () -> agent.reset(0));
    agent.reset(2);
    assertEquals(
        "GradientBandit.update: action 2 is not in [0, 2)",
        assertThrows(IllegalArgumentException.class, () -> agent.update(2, 0.0)).getMessage());
  }
}
