package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationTest {
  private static final GPT2 MODEL = DecoderTest.tinyModel(GPT2Config.Activation.GELU_TANH, true);

  @Test
  void cachedLogitsEqualTheFullForwardOver100StepsPastTheBlockSize() {
    int block = MODEL.config().blockSize(); // 12
    int vocab = MODEL.config().vocabSize();
    DecodeContext ctx = new DecodeContext(new Decoder(MODEL), List.of(new int[] {1, 2, 3}));
    Generator g = new Generator(5);
    List<Integer> seq = new ArrayList<>(List.of(1, 2, 3));
    for (int step = 0; step < 100; step++) {
      int[] all = seq.stream().mapToInt(Integer::intValue).toArray();
      int from = Math.max(0, all.length - block);
      float[] want = DecoderTest.fullLastLogits(MODEL, all, from, all.length);
      double d = DecoderTest.maxAbsDiff(ctx.logits(0), 0, want, 0, vocab);
      assertTrue(d < 1e-4, "step " + step + " (length " + all.length + "): max diff " + d);
      int next = (int) g.nextLong(vocab);
      ctx.append(new int[] {next});
      seq.add(next);
    }
    assertArrayEquals(
        seq.stream().mapToInt(Integer::intValue).toArray(), ctx.tokens(0), "tokens kept");
  }

  @Test
  void greedyEqualsTopKOneEqualsTemperatureZero() {
    Generation gen = new Generation(MODEL);
    int[] prompt = {4, 8, 15};
    int[] greedy = gen.generate(prompt, GenerationConfig.greedy(30)).tokens();
    int[] topK1 =
        gen.generate(prompt, GenerationConfig.builder().maxNewTokens(30).topK(1).seed(9).build())
            .tokens();
    assertEquals(30, greedy.length);
    assertArrayEquals(greedy, topK1);
    // Greedy by hand with the full forward.
    int[] seq = Arrays.copyOf(prompt, prompt.length + 30);
    for (int len = prompt.length; len < seq.length; len++) {
      int from = Math.max(0, len - MODEL.config().blockSize());
      seq[len] = LogitsProcessing.argmax(DecoderTest.fullLastLogits(MODEL, seq, from, len));
    }
    assertArrayEquals(Arrays.copyOfRange(seq, prompt.length, seq.length), greedy);
  }

  @Test
  void sameSeedSameSamplesAndTopPOneIsPlainSampling() {
    Generation gen = new Generation(MODEL);
    int[] prompt = {1};
    GenerationConfig plain = GenerationConfig.builder().maxNewTokens(40).seed(3).build();
    int[] a = gen.generate(prompt, plain).tokens();
    int[] b = gen.generate(prompt, plain).tokens();
    int[] topP1 = gen.generate(prompt, plain.toBuilder().topP(1.0).build()).tokens();
    int[] other = gen.generate(prompt, plain.toBuilder().seed(4).build()).tokens();
    assertArrayEquals(a, b);
    assertArrayEquals(a, topP1);
    assertFalse(Arrays.equals(a, other), "another seed gives other samples");
  }

  @Test
  void leftPaddedBatchGivesEachPromptItsOwnTokens() {
    Generation gen = new Generation(MODEL);
    List<int[]> prompts = List.of(new int[] {5}, new int[] {1, 2, 3, 4, 5, 6}, new int[] {9, 9});
    for (GenerationConfig cfg :
        List.of(
            GenerationConfig.greedy(20),
            GenerationConfig.builder()
                .maxNewTokens(20)
                .temperature(0.9)
                .topK(8)
                .seed(11)
                .build())) {
      List<Generation.Result> batch = gen.generate(prompts, cfg, null);
      for (int p = 0; p < prompts.size(); p++) {
        assertArrayEquals(
            gen.generate(prompts.get(p), cfg).tokens(), batch.get(p).tokens(), "prompt " + p);
      }
    }
  }

  @Test
  void stopTokenEndsTheSequenceAndIsKept() {
    Generation gen = new Generation(MODEL);
    int[] free = gen.generate(new int[] {2}, GenerationConfig.greedy(20)).tokens();
    int stop = free[5];
    int first = 0;
    while (free[first] != stop) {
      first++;
    }
    Generation.Result r =
        gen.generate(
            new int[] {2},
            GenerationConfig.builder().maxNewTokens(20).temperature(0).stopTokens(stop).build());
    assertEquals(Generation.FinishReason.STOP_TOKEN, r.finishReason());
    assertArrayEquals(Arrays.copyOf(free, first + 1), r.tokens());
    assertEquals(
        Generation.FinishReason.LENGTH,
        gen.generate(new int[] {2}, GenerationConfig.greedy(7)).finishReason());
  }

  @Test
  void stopStringCutsTheTextEvenAcrossTokens() {
    CharTokenizer tok = CharTokenizer.fit("abcdefghijklmnopqrstuvw");
    Generation gen = new Generation(MODEL, tok);
    Generation.Result free = gen.generate(new int[] {0}, GenerationConfig.greedy(30));
    String stop = free.text().substring(10, 12); // two characters: spans two tokens
    int at = free.text().indexOf(stop);
    Generation.Result r =
        gen.generate(
            new int[] {0},
            GenerationConfig.builder().maxNewTokens(30).temperature(0).stopStrings(stop).build());
    assertEquals(Generation.FinishReason.STOP_STRING, r.finishReason());
    assertEquals(free.text().substring(0, at), r.text());
    assertEquals(at + stop.length(), r.tokens().length, "generation stops at the completing token");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Generation(MODEL)
                    .generate(
                        new int[] {0},
                        GenerationConfig.builder().temperature(0).stopStrings("x").build()));
    assertTrue(e.getMessage().contains("need a tokenizer"), e.getMessage());
  }

  @Test
  void listenerStreamsEveryTokenInOrder() {
    Generation gen = new Generation(MODEL);
    List<Integer> seen = new ArrayList<>();
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(15).seed(2).build();
    Generation.Result r =
        gen.generate(List.of(new int[] {3, 1}), cfg, (s, t) -> seen.add(t)).get(0);
    assertArrayEquals(r.tokens(), seen.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void sampledCopiesDifferAndTheFirstReproducesASingleRun() {
    Generation gen = new Generation(MODEL);
    GenerationConfig cfg =
        GenerationConfig.builder().maxNewTokens(25).seed(8).numReturnSequences(3).build();
    List<Generation.Result> rs = gen.generate(List.of(new int[] {7}), cfg, null);
    assertEquals(3, rs.size());
    assertArrayEquals(
        gen.generate(new int[] {7}, cfg.toBuilder().numReturnSequences(1).build()).tokens(),
        rs.get(0).tokens());
    assertNotEquals(Arrays.toString(rs.get(0).tokens()), Arrays.toString(rs.get(1).tokens()));
  }

  @Test
  void scoreIsTheSumOfTheChosenTokensLogProbabilities() {
    Generation gen = new Generation(MODEL);
    int[] prompt = {6, 6};
    Generation.Result r = gen.generate(prompt, GenerationConfig.greedy(5));
    int[] seq = Arrays.copyOf(prompt, 7);
    System.arraycopy(r.tokens(), 0, seq, 2, 5);
    double want = 0;
    for (int len = 2; len < 7; len++) {
      double[] logp = LogitsProcessing.logSoftmax(DecoderTest.fullLastLogits(MODEL, seq, 0, len));
      want += logp[seq[len]];
    }
    assertEquals(want, r.score(), 1e-4);
  }

  // ---------------------------------------------------------------- beam search

  /**
   * A bigram model built by hand: blocks zeroed, no positions, {@code wte[i] = e_i} in {@code V +
   * 1} dims and an untied head, so the next-token logits depend only on the last token and equal
   * {@code logits[last]} exactly (up to the LayerNorm epsilon's tiny rescaling, which cancels in
   * the argmax and is accounted for in the expected scores by computing them from the model).
   */
  static GPT2 bigram(double[][] logits) {
    int v = logits.length;
    GPT2Config cfg =
        new GPT2Config(1, 1, v + 1, 8, v, 0.0, true, 1e-5, GPT2Config.Activation.GELU_TANH, false);
    GPT2 m = new GPT2(cfg, new Generator(0));
    int c = v + 1;
    double mean = 1.0 / c;
    double a = 1.0 / Math.sqrt(mean * (1 - mean) + 1e-5);
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (var e : m.namedParameters().entrySet()) {
        String name = e.getKey();
        if (name.contains(".h.")
            && (name.contains("c_proj") || name.contains("c_attn") || name.contains("c_fc"))) {
          e.getValue().zero_();
        }
      }
      m.namedParameters().get("transformer.wpe.weight").zero_();
      float[] wte = new float[v * c];
      for (int i = 0; i < v; i++) {
        wte[i * c + i] = 1f;
      }
      m.namedParameters().get("transformer.wte.weight").copy_(Tensor.of(wte, v, c));
      float[] head = new float[v * c];
      for (int j = 0; j < v; j++) {
        double sum = 0;
        for (int i = 0; i < v; i++) {
          head[j * c + i] = (float) (logits[i][j] / a);
          sum += head[j * c + i];
        }
        head[j * c + v] = (float) -sum; // every row sums to 0, so the LayerNorm mean cancels
      }
      m.namedParameters().get("lm_head.weight").copy_(Tensor.of(head, v, c));
    }
    m.eval();
    return m;
  }

  /** Bigram log-probabilities where greedy's first choice leads to a worse two-token sequence. */
  static double[][] trapLogits() {
    int v = 8;
    double[][] p = new double[v][v];
    for (double[] row : p) {
      Arrays.fill(row, 1.0 / v);
    }
    p[0] = new double[] {1e-9, 0.55, 0.45, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9};
    p[1] = new double[] {1e-9, 1e-9, 1e-9, 0.3, 0.7 / 3, 0.7 / 3, 0.7 / 3, 1e-9};
    p[3] = new double[] {0.5, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7};
    p[2] = new double[] {1e-9, 1e-9, 1e-9, 0.1, 1e-9, 1e-9, 1e-9, 0.9};
    double[][] l = new double[v][v];
    for (int i = 0; i < v; i++) {
      for (int j = 0; j < v; j++) {
        l[i][j] = Math.log(p[i][j]);
      }
    }
    return l;
  }

  @Test
  void beamSearchFindsTheBestSequenceThatGreedyMisses() {
    Generation gen = new Generation(bigram(trapLogits()));
    int[] greedy = gen.generate(new int[] {0}, GenerationConfig.greedy(2)).tokens();
    assertArrayEquals(new int[] {1, 3}, greedy);
    GenerationConfig beam =
        GenerationConfig.builder().maxNewTokens(2).temperature(0).numBeams(2).build();
    Generation.Result best = gen.generate(new int[] {0}, beam);
    assertArrayEquals(new int[] {2, 7}, best.tokens());
    assertEquals((Math.log(0.45) + Math.log(0.9)) / 2, best.score(), 1e-4);
  }

  @Test
  void beamSearchWithOneBeamEqualsGreedy() {
    Generation gen = new Generation(MODEL);
    for (int[] stop :
        new int[][] {{}, {gen.generate(new int[] {4}, GenerationConfig.greedy(12)).tokens()[6]}}) {
      GenerationConfig g =
          GenerationConfig.builder().maxNewTokens(12).temperature(0).stopTokens(stop).build();
      int[] want = gen.generate(new int[] {4}, g).tokens();
      int[] got = gen.generate(new int[] {4}, g.toBuilder().numBeams(1).build()).tokens();
      assertArrayEquals(want, got);
      // numBeams = 1 through the beam path itself (the public path routes it to greedy).
      assertArrayEquals(want, gen.beamSearch(new int[] {4}, g).get(0).tokens());
    }
  }

  @Test
  void beamHypothesesAreScoredByLengthPenaltyAndReturnedBestFirst() {
    Generation gen = new Generation(bigram(trapLogits()));
    GenerationConfig cfg =
        GenerationConfig.builder()
            .maxNewTokens(3)
            .temperature(0)
            .numBeams(2)
            .numReturnSequences(2)
            .stopTokens(7)
            .build();
    List<Generation.Result> rs = gen.generate(List.of(new int[] {0}), cfg, null);
    assertEquals(2, rs.size());
    // [2, 7] ends with the stop token after 2 tokens: score (ln .45 + ln .9) / 2.
    assertArrayEquals(new int[] {2, 7}, rs.get(0).tokens());
    assertEquals(Generation.FinishReason.STOP_TOKEN, rs.get(0).finishReason());
    assertEquals((Math.log(0.45) + Math.log(0.9)) / 2, rs.get(0).score(), 1e-4);
    // The best running beam at the length limit: 1 -> 3 -> 0, scored over 3 tokens.
    assertArrayEquals(new int[] {1, 3, 0}, rs.get(1).tokens());
    assertEquals(Generation.FinishReason.LENGTH, rs.get(1).finishReason());
    assertEquals((Math.log(0.55) + Math.log(0.3) + Math.log(0.5)) / 3, rs.get(1).score(), 1e-4);
    // A length penalty of 0 scores by the plain sum: the short finished hypothesis still wins.
    Generation.Result lp0 =
        gen.generate(new int[] {0}, cfg.toBuilder().lengthPenalty(0).numReturnSequences(1).build());
    assertEquals(Math.log(0.45) + Math.log(0.9), lp0.score(), 1e-4);
  }

  @Test
  void earlyStoppingTrueStopsOnceNumBeamsHypothesesAreFinished() {
    // From 0 both beams end at once: 1 -> 7 and 2 -> 7 are each the only likely continuation.
    double[][] l = trapLogits();
    l[1] = l[2].clone();
    Generation gen = new Generation(bigram(l));
    GenerationConfig cfg =
        GenerationConfig.builder()
            .maxNewTokens(6)
            .temperature(0)
            .numBeams(2)
            .numReturnSequences(2)
            .stopTokens(7)
            .earlyStopping(GenerationConfig.EarlyStopping.TRUE)
            .build();
    List<Generation.Result> rs = gen.generate(List.of(new int[] {0}), cfg, null);
    assertArrayEquals(new int[] {1, 7}, rs.get(0).tokens());
    assertArrayEquals(new int[] {2, 7}, rs.get(1).tokens());
  }

  @Test
  void beamSearchHonoursNoRepeatNgrams() {
    Generation gen = new Generation(MODEL);
    GenerationConfig cfg =
        GenerationConfig.builder()
            .maxNewTokens(30)
            .temperature(0)
            .numBeams(3)
            .noRepeatNgramSize(2)
            .build();
    int[] out = gen.generate(new int[] {1, 2}, cfg).tokens();
    int[] seq = new int[out.length + 2];
    seq[0] = 1;
    seq[1] = 2;
    System.arraycopy(out, 0, seq, 2, out.length);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i + 1 < seq.length; i++) {
      assertTrue(
          seen.add(seq[i] + "," + seq[i + 1]),
          "bigram repeated at " + i + ": " + Arrays.toString(seq));
    }
  }
}
