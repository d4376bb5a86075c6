package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UcbTest {
  @Test
  void untriedArmsComeFirstInRandomOrder() {
    Set<Integer> firstPicks = new HashSet<>();
    for (long seed = 0; seed < 50; seed++) {
      Ucb agent = new Ucb(2.0);
      agent.reset(6);
      Generator g = new Generator(seed);
      Set<Integer> tried = new HashSet<>();
      for (int t = 0; t < 6; t++) {
        int a = agent.act(g);
        assertTrue(tried.add(a), "arm " + a + " pulled twice before every arm was tried");
        // A large reward would make a greedy rule repeat the arm; UCB must still try the rest.
        agent.update(a, 100.0);
        if (t == 0) {
          firstPicks.add(a);
        }
      }
      assertEquals(6, tried.size());
    }
    assertTrue(firstPicks.size() >= 5, "the first arm should vary with the seed: " + firstPicks);
  }

  @Test
  void afterExplorationPicksTheArgmaxOfTheUpperBoundByHand() {
    Ucb agent = new Ucb(2.0);
    agent.reset(3);
    Generator g = new Generator(1);
    double[] reward = {1.0, 0.0, 0.5};
    for (int t = 0; t < 3; t++) {
      int a = agent.act(g);
      agent.update(a, reward[a]);
    }
    // t = 4, every N = 1: bonus equal for all, so arm 0 (Q = 1) wins.
    assertEquals(0, agent.act(g));
    agent.update(0, 1.0);
    // t = 5: arm 0: 1 + 2 sqrt(ln 5 / 2) = 2.794; arm 1: 0 + 2 sqrt(ln 5) = 2.537; arm 2: 3.037.
    double ln5 = Math.log(5);
    assertTrue(0.5 + 2 * Math.sqrt(ln5) > 1 + 2 * Math.sqrt(ln5 / 2));
    assertEquals(2, agent.act(g));
    agent.update(2, 0.5);
    // t = 6: arm 0: 1 + 2 sqrt(ln 6 / 2) = 2.893; arm 1: 2 sqrt(ln 6) = 2.677; arm 2: 0.5 + 2.046.
    assertEquals(0, agent.act(g));
  }

  @Test
  void zeroCIsGreedyOnceEveryArmIsTried() {
    Ucb agent = new Ucb(0.0);
    agent.reset(3);
    Generator g = new Generator(2);
    double[] reward = {0.0, 2.0, 1.0};
    for (int t = 0; t < 3; t++) {
      int a = agent.act(g);
      agent.update(a, reward[a]);
    }
    for (int t = 0; t < 10; t++) {
      assertEquals(1, agent.act(g));
    }
  }

  @Test
  void badArgumentsAndMisuseAreErrors() {
    assertEquals(
        "Ucb: c must be finite and >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new Ucb(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Ucb(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Ucb(Double.POSITIVE_INFINITY));
    Ucb agent = new Ucb(1);
    assertThrows(IllegalStateException.class, () -> agent.act(new Generator(0)));
    agent.reset(2);
    assertThrows(IllegalArgumentException.class, () -> agent.update(2, 0.0));
  }
}
