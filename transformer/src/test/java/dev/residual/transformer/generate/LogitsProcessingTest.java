package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LogitsProcessingTest {
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  /**
   * Probabilities summing to 1, deliberately out of order: sorted they are 0.30 (1), 0.20 (4), 0.15
   * (3), 0.10 (7), 0.08 (0), 0.07 (5), 0.05 (6), 0.03 (8), 0.02 (2).
   */
  static final double[] PROBS = {0.08, 0.30, 0.02, 0.15, 0.20, 0.07, 0.05, 0.10, 0.03};

  /** Logits whose softmax is {@link #PROBS} (shifted by 3 to show the shift does not matter). */
  static float[] logits() {
    float[] l = new float[PROBS.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) (Math.log(PROBS[i]) + 3);
    }
    return l;
  }

  private static GenerationConfig.Builder cfg() {
    return GenerationConfig.builder();
  }

  private static double[] softmax(float[] l, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v / t);
    }
    double[] p = new double[l.length];
    double sum = 0;
    for (int i = 0; i < l.length; i++) {
      p[i] = Math.exp(l[i] / t - max);
      sum += p[i];
    }
    for (int i = 0; i < l.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static double[] expected(int vocab, int[] kept, double[] probs) {
    double[] e = new double[vocab];
    for (int j = 0; j < kept.length; j++) {
      e[kept[j]] = probs[j];
    }
    return e;
  }

  // ---- greedy ----

  @Test
  void greedyEqualsTopKOneEqualsTemperatureZero() {
    float[] l = {1f, 5f, 3f, 5f, NEG_INF, -2f};
    assertEquals(1, LogitsProcessing.argmax(l));
    double[] oneHot = {0, 1, 0, 0, 0, 0};
    assertArrayEquals(oneHot, LogitsProcessing.distribution(l, GenerationConfig.greedy(1)));
    assertArrayEquals(oneHot, LogitsProcessing.distribution(l, cfg().topK(1).build()));
    assertArrayEquals(
        oneHot, LogitsProcessing.distribution(l, cfg().topK(1).temperature(2.5).build()));
    int[] none = {};
    Generator g = new Generator(3);
    for (int i = 0; i < 50; i++) {
      assertEquals(
          1, LogitsProcessing.next(l.clone(), none, 0, 0, cfg().topK(1).build(), g), "draw " + i);
    }
    assertEquals(1, LogitsProcessing.next(l.clone(), none, 0, 0, GenerationConfig.greedy(1), g));
  }

  @Test
  void greedyConsumesNoRandomnessAndAcceptsNullGenerator() {
    Generator g = new Generator(11);
    long[] before = g.getState();
    int t = LogitsProcessing.next(logits(), new int[0], 0, 0, GenerationConfig.greedy(1), g);
    assertEquals(1, t);
    assertArrayEquals(before, g.getState());
    assertEquals(
        1, LogitsProcessing.next(logits(), new int[0], 0, 0, GenerationConfig.greedy(1), null));
  }

  @Test
  void argmaxPicksLowestIndexOnTies() {
    assertEquals(0, LogitsProcessing.argmax(new float[] {2, 2, 2}));
    assertEquals(2, LogitsProcessing.argmax(new float[] {NEG_INF, -1, 0, 0}));
    assertEquals(0, LogitsProcessing.argmax(new float[] {-0.0f, 0.0f}));
  }

  @Test
  void tinyTemperatureIsOneHotWithoutNaN() {
    double[] p =
        LogitsProcessing.distribution(
            new float[] {1f, 1.5f, 0.5f}, cfg().temperature(1e-300).build());
    assertArrayEquals(new double[] {0, 1, 0}, p);
  }

  // ---- plain softmax and temperature ----

  @Test
  void topPOneAndTopKOffEqualPlainSoftmax() {
    Generator g = new Generator(5);
    float[] l = new float[50];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) (3 * g.nextGaussian());
    }
    double[] plain = softmax(l, 1.0);
    assertArrayEquals(plain, LogitsProcessing.distribution(l, cfg().build()), 1e-15);
    assertArrayEquals(plain, LogitsProcessing.distribution(l, cfg().topP(1.0).build()), 1e-15);
    assertArrayEquals(plain, LogitsProcessing.distribution(l, cfg().topK(50).build()), 1e-15);
    assertArrayEquals(plain, LogitsProcessing.distribution(l, cfg().topK(500).build()), 1e-15);
  }

  @Test
  void temperatureDividesLogitsBeforeSoftmax() {
    // logits (0, ln 4) at temperature 2 are (0, ln 2): probabilities 1/3 and 2/3.
    float[] l = {0f, (float) Math.log(4)};
    double[] p = LogitsProcessing.distribution(l, cfg().temperature(2).build());
    assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, p, 1e-7);
    assertArrayEquals(softmax(l, 2), p, 1e-15);
  }

  @Test
  void negativeInfinityLogitsGetProbabilityZero() {
    float[] l = {0f, NEG_INF, 0f};
    assertArrayEquals(new double[] {0.5, 0, 0.5}, LogitsProcessing.distribution(l, cfg().build()));
    assertArrayEquals(
        new double[] {0.5, 0, 0.5}, LogitsProcessing.distribution(l, cfg().topP(0.99).build()));
  }

  // ---- top-k, top-p, min-p ----

  @Test
  void topKKeepsTheKLargestRenormalised() {
    double[] p = LogitsProcessing.distribution(logits(), cfg().topK(3).build());
    // 0.30, 0.20, 0.15 out of 0.65
    double[] e = expected(9, new int[] {1, 4, 3}, new double[] {6.0 / 13, 4.0 / 13, 3.0 / 13});
    assertArrayEquals(e, p, 1e-6);
  }

  @Test
  void topKKeepsLowerIndicesOnBoundaryTies() {
    double[] p =
        LogitsProcessing.distribution(new float[] {1f, 2f, 2f, 2f, 0f}, cfg().topK(2).build());
    assertArrayEquals(new double[] {0, 0.5, 0.5, 0, 0}, p, 1e-15);
  }

  @Test
  void topPAloneKeepsSmallestPrefixReachingP() {
    // cumulative 0.30, 0.50, 0.65, 0.75, 0.83: five tokens reach 0.8
    double[] p = LogitsProcessing.distribution(logits(), cfg().topP(0.8).build());
    double[] e =
        expected(
            9,
            new int[] {1, 4, 3, 7, 0},
            new double[] {0.30 / 0.83, 0.20 / 0.83, 0.15 / 0.83, 0.10 / 0.83, 0.08 / 0.83});
    assertArrayEquals(e, p, 1e-6);
  }

  @Test
  void topKThenTopPCombineOnRenormalisedTopK() {
    // top-6 = {1, 4, 3, 7, 0, 5} with mass 0.90; renormalised 1/3, 2/9, 1/6, 1/9, 4/45, 7/90;
    // cumulative 0.333, 0.556, 0.722, 0.833: four tokens reach 0.8, mass 0.75 of the original.
    double[] p = LogitsProcessing.distribution(logits(), cfg().topK(6).topP(0.8).build());
    double[] e =
        expected(9, new int[] {1, 4, 3, 7}, new double[] {0.4, 0.2 / 0.75, 0.2, 0.1 / 0.75});
    assertArrayEquals(e, p, 1e-6);
  }

  @Test
  void topPReachingPExactlyStopsThere() {
    // Four equal tokens: the first two reach 0.5 exactly; ties are kept in index order.
    double[] p =
        LogitsProcessing.distribution(new float[] {0f, 0f, 0f, 0f}, cfg().topP(0.5).build());
    assertArrayEquals(new double[] {0.5, 0.5, 0, 0}, p, 1e-15);
  }

  @Test
  void topPAlwaysKeepsAtLeastOneToken() {
    double[] p = LogitsProcessing.distribution(logits(), cfg().topP(1e-9).build());
    assertArrayEquals(expected(9, new int[] {1}, new double[] {1}), p);
  }

  @Test
  void minPKeepsTokensAtLeastMinPTimesTheMax() {
    float[] l = new float[4];
    double[] probs = {0.5, 0.25, 0.15, 0.1};
    for (int i = 0; i < 4; i++) {
      l[i] = (float) Math.log(probs[i]);
    }
    // threshold 0.25 * 0.5 = 0.125: 0.5, 0.25 and 0.15 stay, out of 0.9
    double[] p = LogitsProcessing.distribution(l, cfg().minP(0.25).build());
    assertArrayEquals(new double[] {5.0 / 9, 5.0 / 18, 1.0 / 6, 0}, p, 1e-6);
    assertArrayEquals(
        new double[] {1, 0, 0, 0}, LogitsProcessing.distribution(l, cfg().minP(1).build()));
  }

  @Test
  void minPAppliesAfterTopKAndTopP() {
    // After top-6 and top-p 0.8: 0.4, 0.267, 0.2, 0.133; min-p 0.4 drops 0.133 < 0.16.
    double[] p = LogitsProcessing.distribution(logits(), cfg().topK(6).topP(0.8).minP(0.4).build());
    assertArrayEquals(
        expected(9, new int[] {1, 4, 3}, new double[] {6.0 / 13, 4.0 / 13, 3.0 / 13}), p, 1e-6);
  }

  @Test
  void truncationMatchesBruteForceReferenceOnLargeVocab() {
    Generator g = new Generator(21);
    float[] l = new float[3000];
    for (int i = 0; i < l.length; i++) {
      // Rounded to quarters so there are many ties.
      l[i] = Math.round(4 * 2 * g.nextGaussian()) / 4f;
    }
    int[][] settings = {
      {10, 100, 0},
      {1, 100, 0},
      {0, 90, 0},
      {0, 99, 0},
      {40, 50, 0},
      {2999, 99, 0},
      {7, 30, 0},
      {0, 100, 5},
      {0, 95, 2},
      {30, 100, 10}
    };
    for (int[] s : settings) {
      GenerationConfig c =
          cfg().topK(s[0]).topP(s[1] / 100.0).minP(s[2] / 100.0).temperature(0.8).build();
      assertArrayEquals(
          reference(l, c), LogitsProcessing.distribution(l, c), 1e-12, Arrays.toString(s));
    }
  }

  /** The specification in its plainest form: boxed sort, cut, renormalise. */
  private static double[] reference(float[] l, GenerationConfig c) {
    double[] p = softmax(l, c.temperature());
    Integer[] order = IntStream.range(0, l.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]).thenComparing(i -> i));
    int kept = c.topK() > 0 ? Math.min(c.topK(), l.length) : l.length;
    if (c.topP() < 1) {
      double mass = 0;
      for (int j = 0; j < kept; j++) {
        mass += p[order[j]];
      }
      double cum = 0;
      int m = 0;
      while (m < kept && cum < c.topP() * mass * (1 - 1e-12)) {
        cum += p[order[m++]];
      }
      kept = Math.max(m, 1);
    }
    int m = 1;
    while (m < kept && p[order[m]] >= c.minP() * p[order[0]]) {
      m++;
    }
    kept = m;
    double mass = 0;
    for (int j = 0; j < kept; j++) {
      mass += p[order[j]];
    }
    double[] e = new double[l.length];
    for (int j = 0; j < kept; j++) {
      e[order[j]] = p[order[j]] / mass;
    }
    return e;
  }

  // ---- penalties ----

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() {
    float[] l = {2f, -2f, 1f, 3f, 0.5f};
    LogitsProcessing.applyRepetitionPenalty(l, new int[] {0, 1, 1, 4}, 0, 4, 2.0);
    assertArrayEquals(new float[] {1f, -4f, 1f, 3f, 0.25f}, l);
  }

  @Test
  void repetitionPenaltyCoversOnlyTheGivenRange() {
    float[] l = {2f, -2f, 1f};
    LogitsProcessing.applyRepetitionPenalty(l, new int[] {0, 1, 2}, 1, 2, 4.0);
    assertArrayEquals(new float[] {2f, -8f, 1f}, l);
  }

  @Test
  void frequencyAndPresencePenaltiesSubtractCountTimesFrequencyPlusPresence() {
    float[] l = new float[5];
    LogitsProcessing.applyFrequencyPresence(l, new int[] {3, 3, 0, 0, 0, 1}, 0, 6, 0.5, 1.0);
    // token 0: 3 times -> 1.5 + 1; token 1: once -> 0.5 + 1; token 3: twice -> 1 + 1
    assertArrayEquals(new float[] {-2.5f, -1.5f, 0f, -2f, 0f}, l);
  }

  @Test
  void applyPenaltiesRepetitionOverWholeSequenceFrequencyOverGeneratedOnly() {
    float[] l = {2f, 2f, 2f, 2f, 2f};
    int[] tokens = {3, 3, 0, 0, 1, 99}; // prompt [3, 3]; 99 lies past length and is ignored
    GenerationConfig c =
        cfg().repetitionPenalty(2).frequencyPenalty(0.5).presencePenalty(1).build();
    LogitsProcessing.applyPenalties(l, tokens, 5, 2, c);
    // repetition first: tokens 0, 1, 3 become 1; then token 0 (twice) -2, token 1 (once) -1.5.
    assertArrayEquals(new float[] {-1f, -0.5f, 2f, 1f, 2f}, l);
  }

  @Test
  void noRepeatBigramBansTheTokenThatWouldRepeatABigram() {
    float[] l = new float[5];
    // bigrams (1,2) (2,3) (3,1); the sequence ends in 1, so 2 would repeat (1,2)
    LogitsProcessing.banRepeatedNgrams(l, new int[] {1, 2, 3, 1}, 4, 2);
    assertArrayEquals(new float[] {0, 0, NEG_INF, 0, 0}, l);
  }

  @Test
  void noRepeatTrigramBansEveryCompletionOfTheLastTwoTokens() {
    float[] l = new float[6];
    // trigrams starting with (1,2): (1,2,3) and (1,2,4); the sequence ends in (1,2)
    LogitsProcessing.banRepeatedNgrams(l, new int[] {1, 2, 3, 1, 2, 4, 1, 2}, 8, 3);
    assertArrayEquals(new float[] {0, 0, 0, NEG_INF, NEG_INF, 0}, l);
    float[] m = new float[6];
    // (1,2,3) exists but the sequence ends in (2,1), which starts no trigram
    LogitsProcessing.banRepeatedNgrams(m, new int[] {1, 2, 3, 2, 1}, 5, 3);
    assertArrayEquals(new float[6], m);
  }

  @Test
  void noRepeatNgramEdgeCases() {
    float[] l = new float[5];
    LogitsProcessing.banRepeatedNgrams(l, new int[] {2, 2, 4}, 3, 1); // unigrams: all seen
    assertArrayEquals(new float[] {0, 0, NEG_INF, 0, NEG_INF}, l);
    float[] m = new float[5];
    LogitsProcessing.banRepeatedNgrams(m, new int[] {1}, 1, 3); // length < n - 1
    LogitsProcessing.banRepeatedNgrams(m, new int[] {1, 1, 1}, 3, 0); // off
    LogitsProcessing.banRepeatedNgrams(m, new int[] {1, 2, 1, 3}, 3, 2); // past length ignored
    assertArrayEquals(new float[] {0, 0, NEG_INF, 0, 0}, m);
  }

  @Test
  void applyPenaltiesBansRepeatedNgramsLast() {
    float[] l = {1f, 1f, 1f};
    GenerationConfig c = cfg().noRepeatNgramSize(2).repetitionPenalty(2).build();
    LogitsProcessing.applyPenalties(l, new int[] {0, 1, 0}, 3, 3, c);
    assertArrayEquals(new float[] {0.5f, NEG_INF, 1f}, l);
  }

  // ---- draw and determinism ----

  @Test
  void drawNeverReturnsZeroProbabilityIndex() {
    double[] probs = {0, 0.3, 0, 0.7, 0, 0};
    Generator g = new Generator(9);
    for (int i = 0; i < 5000; i++) {
      int t = LogitsProcessing.draw(probs, g);
      assertTrue(t == 1 || t == 3, "drew " + t);
    }
    // Weights summing to far below 1 are still drawn from.
    double[] tiny = {0, 1e-300, 0};
    assertEquals(1, LogitsProcessing.draw(tiny, g));
  }

  @Test
  void sameSeedGivesIdenticalDraws() {
    Generator src = new Generator(17);
    float[] l = new float[100];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) src.nextGaussian();
    }
    GenerationConfig c = cfg().temperature(0.9).topK(20).topP(0.95).seed(7).build();
    int[] a = drawMany(l, c, 300);
    int[] b = drawMany(l, c, 300);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, drawMany(l, c.toBuilder().seed(8).build(), 300)));
  }

  private static int[] drawMany(float[] l, GenerationConfig c, int n) {
    Generator g = new Generator(c.seed());
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = LogitsProcessing.next(l.clone(), out, i, 0, c, g);
    }
    return out;
  }

  // ---- logSoftmax ----

  @Test
  void logSoftmaxIsStableAndExact() {
    float[] l = {1f, 2f, 3f, NEG_INF};
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertArrayEquals(
        new double[] {1 - lse, 2 - lse, 3 - lse, Double.NEGATIVE_INFINITY},
        LogitsProcessing.logSoftmax(l),
        1e-12);
    assertArrayEquals(
        new double[] {-Math.log(2), -Math.log(2)},
        LogitsProcessing.logSoftmax(new float[] {1000f, 1000f}),
        1e-12);
  }

  // ---- errors ----

  private static void assertRefused(Executable e, String... fragments) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    for (String f : fragments) {
      assertTrue(x.getMessage().contains(f), x.getMessage());
    }
  }

  @Test
  void nanLogitsGiveClearError() {
    float[] l = {0f, 1f, Float.NaN};
    GenerationConfig c = cfg().build();
    assertRefused(() -> LogitsProcessing.distribution(l, c), "distribution", "NaN", "index 2");
    assertRefused(
        () -> LogitsProcessing.distribution(l, GenerationConfig.greedy(1)), "NaN", "index 2");
    assertRefused(() -> LogitsProcessing.argmax(l), "argmax", "NaN");
    assertRefused(() -> LogitsProcessing.logSoftmax(l), "logSoftmax", "NaN");
    assertRefused(() -> LogitsProcessing.next(l, new int[0], 0, 0, c, new Generator(0)), "NaN");
    assertRefused(
        () -> LogitsProcessing.distribution(new float[] {Float.POSITIVE_INFINITY, 0f}, c),
        "Infinity",
        "index 0");
  }

  @Test
  void allNegativeInfinityLogitsGiveClearError() {
    float[] l = {NEG_INF, NEG_INF};
    assertRefused(() -> LogitsProcessing.distribution(l, cfg().build()), "all 2 logits are -inf");
    assertRefused(
        () -> LogitsProcessing.distribution(l, GenerationConfig.greedy(1)), "all 2 logits");
    assertRefused(() -> LogitsProcessing.argmax(l), "argmax", "-inf");
    assertRefused(() -> LogitsProcessing.logSoftmax(l), "logSoftmax", "-inf");
    assertRefused(() -> LogitsProcessing.argmax(new float[0]), "empty");
    // Every token banned by the n-gram rule: the error says so instead of returning NaN.
    float[] one = {5f};
    assertRefused(
        () ->
            LogitsProcessing.next(
                one, new int[] {0, 0}, 2, 0, cfg().noRepeatNgramSize(2).build(), new Generator(1)),
        "-inf");
  }

  @Test
  void badArgumentsAreRefused() {
    float[] l = new float[3];
    assertRefused(
        () -> LogitsProcessing.applyRepetitionPenalty(l, new int[] {0, 3}, 0, 2, 2),
        "token id 3",
        "[0, 3)");
    assertRefused(
        () -> LogitsProcessing.applyRepetitionPenalty(l, new int[] {0}, 0, 2, 2), "[0, 2)");
    assertRefused(
        () -> LogitsProcessing.applyRepetitionPenalty(l, new int[] {0}, 0, 1, 0), "penalty", "0.0");
    assertRefused(
        () -> LogitsProcessing.applyFrequencyPresence(l, new int[] {-1}, 0, 1, 1, 0),
        "token id -1");
    assertRefused(
        () -> LogitsProcessing.applyFrequencyPresence(l, new int[] {0}, 0, 1, Double.NaN, 0),
        "frequency NaN");
    assertRefused(
        () -> LogitsProcessing.banRepeatedNgrams(l, new int[] {0}, 2, 2), "[0, 2)", "1 tokens");
    assertRefused(
        () -> LogitsProcessing.applyPenalties(l, new int[] {0, 1}, 2, 3, cfg().build()),
        "promptLength",
        "got 3");
    assertRefused(() -> LogitsProcessing.draw(new double[] {0, 0}, new Generator(0)), "is 0");
    assertRefused(
        () -> LogitsProcessing.draw(new double[] {0.5, -0.1}, new Generator(0)), "-0.1", "index 1");
    assertRefused(() -> LogitsProcessing.draw(new double[] {Double.NaN}, new Generator(0)), "NaN");
    assertRefused(
        () -> LogitsProcessing.next(l, new int[0], 0, 0, cfg().build(), null), "Generator");
  }
}
