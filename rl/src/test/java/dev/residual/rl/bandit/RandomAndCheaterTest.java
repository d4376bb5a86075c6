package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.rl.env.bandit.KArmedBandit;
import dev.residual.tensor.Generator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomAndCheaterTest {
  @Test
  void randomAgentPullsArmsUniformly() {
    RandomAgent agent = new RandomAgent();
    agent.reset(4);
    Generator g = new Generator(8);
    int[] counts = new int[4];
    for (int i = 0; i < 40000; i++) {
      int a = agent.act(g);
      agent.update(a, 1.0);
      counts[a]++;
    }
    for (int c : counts) {
      assertEquals(10000, c, 450); // s.d. ~87
    }
  }

  @Test
  void cheaterFollowsTheBestArmEvenWhenItMoves() {
    KArmedBandit env = KArmedBandit.nonStationary(5, 5000);
    env.reset(2L);
    Cheater agent = new Cheater(env);
    agent.reset(5);
    Generator g = new Generator(0);
    int changes = 0;
    int previous = -1;
    for (int t = 0; t < 5000; t++) {
      int a = agent.act(g);
      assertEquals(env.bestArm(), a);
      assertEquals(true, env.step(a).info().get(KArmedBandit.INFO_OPTIMAL));
      if (a != previous) {
        changes++;
      }
      previous = a;
    }
    assertEquals(true, changes > 1, "the best arm should move at least once: " + changes);
  }

  @Test
  void cheaterReadsAGivenBestArm() {
    KArmedBandit env = new KArmedBandit(3);
    env.reset(0L, Map.of(KArmedBandit.OPTION_MEANS, new double[] {0, 0, 1}));
    Cheater agent = new Cheater(env::bestArm);
    agent.reset(3);
    assertEquals(2, agent.act(new Generator(0)));
  }

  @Test
  void misuseIsAnError() {
    RandomAgent random = new RandomAgent();
    assertEquals(
        "RandomAgent.act: call reset(k) first",
        assertThrows(IllegalStateException.class, () -> random.act(new Generator(0))).getMessage());
    assertThrows(IllegalStateException.class, () -> random.update(0, 0));
    assertThrows(IllegalArgumentException.class, () -> random.reset(0));
    random.reset(2);
    assertThrows(IllegalArgumentException.class, () -> random.update(2, 0));

    assertThrows(IllegalArgumentException.class, () -> new Cheater((KArmedBandit) null));
    Cheater cheater = new Cheater(() -> 7);
    assertThrows(IllegalStateException.class, () -> cheater.act(new Generator(0)));
    cheater.reset(3);
    assertEquals(
        "Cheater.act: the best arm 7 is not in [0, 3)",
        assertThrows(IllegalStateException.class, () -> cheater.act(new Generator(0)))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> cheater.update(3, 0));
  }
}
