package dev.residual.transformer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DecoderTest {
  static GPT2 tinyModel(GPT2Config.Activation act, boolean bias) {
    GPT2Config cfg = new GPT2Config(2, 2, 16, 12, 23, 0.0, bias, 1e-5, act, true);
    GPT2 m = new GPT2(cfg, new Generator(7));
    // Weights 4x the 0.02 init so attention patterns are far from uniform.
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Tensor p : m.parameters()) {
        p.muli(4.0);
      }
    }
    m.eval();
    return m;
  }

  /** Logits of the last position of the full forward over {@code seq[from, to)}. */
  static float[] fullLastLogits(GPT2 m, int[] seq, int from, int to) {
    long[] ids = new long[to - from];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = seq[from + i];
    }
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor logits = m.forward(Tensor.of(ids, 1, ids.length));
      return logits.select(1, ids.length - 1).select(0, 0).toFloatArray();
    }
  }

  static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
    double worst = 0;
    for (int i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(a[aOff + i] - b[bOff + i]));
    }
    return worst;
  }

  @Test
  void cachedStepsEqualTheFullForwardAtEveryPosition() {
    for (GPT2Config.Activation act : GPT2Config.Activation.values()) {
      GPT2 m = tinyModel(act, true);
      Decoder dec = new Decoder(m);
      int vocab = m.config().vocabSize();
      int[] seq = new int[12];
      Generator g = new Generator(3);
      for (int i = 0; i < seq.length; i++) {
        seq[i] = (int) g.nextLong(vocab);
      }
      KVCache cache = dec.newCache(1);
      // Prompt of 5 in one go (the BLAS path), then one token at a time (the SIMD path).
      float[] logits = dec.forward(Arrays.copyOf(seq, 5), 5, cache);
      assertTrue(maxAbsDiff(logits, 0, fullLastLogits(m, seq, 0, 5), 0, vocab) < 1e-4);
      for (int len = 6; len <= seq.length; len++) {
        logits = dec.forward(new int[] {seq[len - 1]}, 1, cache);
        double d = maxAbsDiff(logits, 0, fullLastLogits(m, seq, 0, len), 0, vocab);
        assertTrue(d < 1e-4, act + " step " + len + ": max diff " + d);
      }
      assertEquals(12, cache.length());
    }
  }

  @Test
  void allPositionsOfAPromptEqualTheFullForward() {
    GPT2 m = tinyModel(GPT2Config.Activation.GELU_TANH, false);
    Decoder dec = new Decoder(m);
    int vocab = m.config().vocabSize();
    int[] seq = {1, 5, 9, 2, 2, 7, 3};
    float[] all = dec.forward(seq, seq.length, dec.newCache(1), true);
    for (int len = 1; len <= seq.length; len++) {
      float[] want = fullLastLogits(m, seq, 0, len);
      assertTrue(maxAbsDiff(all, (len - 1) * vocab, want, 0, vocab) < 1e-4, "position " + len);
    }
  }

  @Test
  void leftPaddedRowsGetTheSameLogitsAsAlone() {
    GPT2 m = tinyModel(GPT2Config.Activation.GELU, true);
    Decoder dec = new Decoder(m);
    int vocab = m.config().vocabSize();
    int[] a = {3, 4, 5, 6, 7};
    int[] b = {8, 9};
    KVCache cache = dec.newCache(2);
    cache.setStarts(new int[] {0, 3});
    int[] batch = {3, 4, 5, 6, 7, 0, 0, 0, 8, 9};
    float[] logits = dec.forward(batch, 5, cache);
    assertTrue(maxAbsDiff(logits, 0, fullLastLogits(m, a, 0, 5), 0, vocab) < 1e-4);
    assertTrue(maxAbsDiff(logits, vocab, fullLastLogits(m, b, 0, 2), 0, vocab) < 1e-4);
    logits = dec.forward(new int[] {11, 12}, 1, cache);
    int[] a2 = {3, 4, 5, 6, 7, 11};
    int[] b2 = {8, 9, 12};
    assertTrue(maxAbsDiff(logits, 0, fullLastLogits(m, a2, 0, 6), 0, vocab) < 1e-4);
    assertTrue(maxAbsDiff(logits, vocab, fullLastLogits(m, b2, 0, 3), 0, vocab) < 1e-4);
  }

  @Test
  void reorderedCacheRowsContinueTheirNewSequences() {
    GPT2 m = tinyModel(GPT2Config.Activation.GELU_TANH, true);
    Decoder dec = new Decoder(m);
    int vocab = m.config().vocabSize();
    KVCache cache = dec.newCache(2);
    dec.forward(new int[] {1, 2, 3, 4, 5, 6}, 3, cache);
    cache.reorder(new int[] {1, 1, 0});
    assertEquals(3, cache.batch());
    float[] logits = dec.forward(new int[] {7, 8, 9}, 1, cache);
    assertTrue(
        maxAbsDiff(logits, 0, fullLastLogits(m, new int[] {4, 5, 6, 7}, 0, 4), 0, vocab) < 1e-4);
    assertTrue(
        maxAbsDiff(logits, vocab, fullLastLogits(m, new int[] {4, 5, 6, 8}, 0, 4), 0, vocab)
            < 1e-4);
    assertTrue(
        maxAbsDiff(logits, 2 * vocab, fullLastLogits(m, new int[] {1, 2, 3, 9}, 0, 4), 0, vocab)
            < 1e-4);
  }

  @Test
  void refusesBadTokensShapesAndOverflowingTheBlock() {
    GPT2 m = tinyModel(GPT2Config.Activation.GELU_TANH, true);
    Decoder dec = new Decoder(m);
    KVCache cache = dec.newCache(1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dec.forward(new int[] {23}, 1, cache));
    assertTrue(e.getMessage().contains("token id 23"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dec.forward(new int[] {1, 2}, 1, cache));
    assertTrue(e.getMessage().contains("[batch 1, t 1]"), e.getMessage());
    dec.forward(new int[12], 12, cache);
    e = assertThrows(IllegalArgumentException.class, () -> dec.forward(new int[] {1}, 1, cache));
    assertTrue(e.getMessage().contains("exceed the model's block size 12"), e.getMessage());
  }

  @Test
  void refreshPicksUpChangedWeights() {
    GPT2 m = tinyModel(GPT2Config.Activation.GELU_TANH, true);
    Decoder dec = new Decoder(m);
    int vocab = m.config().vocabSize();
    int[] seq = {1, 2, 3};
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      m.namedParameters().get("transformer.h.0.mlp.c_fc.weight").muli(1.5);
    }
    float[] want = fullLastLogits(m, seq, 0, 3);
    float[] stale = dec.forward(seq, 3, dec.newCache(1));
    assertTrue(maxAbsDiff(stale, 0, want, 0, vocab) > 1e-3, "the decoder holds its own copy");
    dec.refresh();
    float[] fresh = dec.forward(seq, 3, dec.newCache(1));
    assertTrue(maxAbsDiff(fresh, 0, want, 0, vocab) < 1e-4);
  }
}
