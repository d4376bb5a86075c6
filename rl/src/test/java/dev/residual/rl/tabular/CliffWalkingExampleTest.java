package dev.residual.rl.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class CliffWalkingExampleTest {
  @Test
  void cliffComparisonReproducesExampleSixSixOnCliffWalking() {
    // Sutton & Barto example 6.6 / figure 6.4 on Gymnasium's CliffWalking, with the book's settings
    // (epsilon 0.1, alpha 0.5, gamma 1), 500 episodes, 20 runs (about 0.5 s).
    // Book: Q-learning learns the optimal path along the cliff (13 steps, return -13) but falls
    // off while exploring, earning about -50 per episode online; SARSA learns the safer path
    // along the top (3 up, 11 right, 3 down: -17) and earns about -25.
    TabularExperiments.TdComparison c =
        TabularExperiments.cliffComparison(
            dev.residual.rl.env.toytext.CliffWalking::new, 500, 20, 6);
    for (double g : c.greedyReturns().get("Q-learning")) {
      assertEquals(-13, g);
    }
    assertEquals(-17, c.medianGreedyReturn("SARSA"));
    // Expected SARSA settles in between: the row above the cliff, 2 up + 11 right + 2 down.
    assertEquals(-15, c.medianGreedyReturn("Expected SARSA"));
    double sarsa = c.meanOnlineReturn("SARSA", 400);
    double ql = c.meanOnlineReturn("Q-learning", 400);
    double expected = c.meanOnlineReturn("Expected SARSA", 400);
    assertTrue(sarsa > -30 && sarsa < -20, "SARSA online " + sarsa);
    assertTrue(ql > -55 && ql < -45, "Q-learning online " + ql);
    assertTrue(expected > sarsa, "Expected SARSA online " + expected + " vs SARSA " + sarsa);
    BufferedImage img;
    try {
      img = c.chartImage(800, 500);
    } catch (IllegalStateException noFonts) {
      assumeTrue(false, "no fonts to render charts: " + noFonts.getMessage());
      return;
    }
    assertEquals(800, img.getWidth());
    assertEquals(500, img.getHeight());
  }
}
