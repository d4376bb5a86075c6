package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import org.junit.jupiter.api.Test;

/** Sampling with top-k and top-p draws from exactly the renormalised truncated distribution. */
class SamplingDistributionTest {
  private static final int DRAWS = 20_000;

  /** Chi-square critical values at p = 0.001, indexed by degrees of freedom (from a table). */
  private static final double[] CHI2_CRIT_0_001 = {
    Double.NaN, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877
  };

  @Test
  void topKTopPDrawsMatchRenormalisedTruncatedDistributionByChiSquare() {
    // LogitsProcessingTest.PROBS with top-6 then top-p 0.8 keeps tokens 1, 4, 3, 7 with
    // probabilities 0.30, 0.20, 0.15, 0.10 out of 0.75.
    int[] kept = {1, 4, 3, 7};
    double[] expected = {0.30 / 0.75, 0.20 / 0.75, 0.15 / 0.75, 0.10 / 0.75};
    GenerationConfig c = GenerationConfig.builder().topK(6).topP(0.8).seed(20240607L).build();
    float[] logits = LogitsProcessingTest.logits();

    Generator g = new Generator(c.seed());
    int[] counts = new int[logits.length];
    for (int i = 0; i < DRAWS; i++) {
      counts[LogitsProcessing.next(logits.clone(), new int[0], 0, 0, c, g)]++;
    }

    int inKept = 0;
    double chi2 = 0;
    for (int j = 0; j < kept.length; j++) {
      double e = DRAWS * expected[j];
      double d = counts[kept[j]] - e;
      chi2 += d * d / e;
      inKept += counts[kept[j]];
    }
    assertEquals(DRAWS, inKept, "a draw fell outside the kept set {1, 4, 3, 7}");
    int dof = kept.length - 1;
    assertTrue(
        chi2 < CHI2_CRIT_0_001[dof],
        "chi-square " + chi2 + " >= " + CHI2_CRIT_0_001[dof] + " (dof " + dof + ")");
  }

  @Test
  void plainSamplingDrawsMatchSoftmaxByChiSquare() {
    float[] logits = LogitsProcessingTest.logits();
    double[] p = LogitsProcessingTest.PROBS;
    GenerationConfig c = GenerationConfig.builder().seed(99).build();
    Generator g = new Generator(c.seed());
    int[] counts = new int[logits.length];
    for (int i = 0; i < DRAWS; i++) {
      counts[LogitsProcessing.next(logits.clone(), new int[0], 0, 0, c, g)]++;
    }
    double chi2 = 0;
    for (int i = 0; i < p.length; i++) {
      double e = DRAWS * p[i];
      chi2 += (counts[i] - e) * (counts[i] - e) / e;
    }
    int dof = p.length - 1;
    assertTrue(chi2 < CHI2_CRIT_0_001[dof], "chi-square " + chi2 + " (dof " + dof + ")");
  }

  @Test
  void sameSeedTwiceGivesTheSameCounts() {
    GenerationConfig c = GenerationConfig.builder().topK(6).topP(0.8).seed(3).build();
    assertArrayEquals(counts(c), counts(c));
  }

  private static int[] counts(GenerationConfig c) {
    Generator g = new Generator(c.seed());
    int[] counts = new int[LogitsProcessingTest.PROBS.length];
    for (int i = 0; i < 2000; i++) {
      counts[LogitsProcessing.next(LogitsProcessingTest.logits(), new int[0], 0, 0, c, g)]++;
    }
    return counts;
  }
}
