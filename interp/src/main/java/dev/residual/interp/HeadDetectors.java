package dev.residual.interp;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * Scores that find attention heads by what they attend to, as in ARENA's induction-heads chapter.
 * Each score is the mean attention weight on one stripe of the pattern, averaged over the batch and
 * the query positions where that stripe exists; it is in {@code [0, 1]}, and a head that puts all
 * its attention on the stripe scores 1. Scores come back as {@code [n_layers, n_heads]} FLOAT32
 * tensors, from the {@code attn.hook_pattern} activations of a cache.
 */
public final class HeadDetectors {
  private HeadDetectors() {}

  /**
   * Token ids {@code [batch, 1 + 2 * seqLen]}: {@code bos}, then {@code seqLen} uniform random
   * tokens from {@code [0, vocab)}, then the same tokens again (ARENA's repeated random sequence).
   *
   * @throws IllegalArgumentException if a size is not positive or {@code bos} is outside the
   *     vocabulary
   */
  public static Tensor repeatedTokens(int batch, int seqLen, int vocab, int bos, Generator g) {
    if (batch < 1 || seqLen < 1 || vocab < 1 || bos < 0 || bos >= vocab) {
      throw new IllegalArgumentException(
          "HeadDetectors.repeatedTokens: need positive sizes and bos in [0, vocab), got batch "
              + batch
              + ", seqLen "
              + seqLen
              + ", vocab "
              + vocab
              + ", bos "
              + bos);
    }
    int t = 1 + 2 * seqLen;
    long[] ids = new long[batch * t];
    for (int b = 0; b < batch; b++) {
      ids[b * t] = bos;
      for (int i = 0; i < seqLen; i++) {
        long tok = g.nextLong(vocab);
        ids[b * t + 1 + i] = tok;
        ids[b * t + 1 + seqLen + i] = tok;
      }
    }
    return Tensor.of(ids, batch, t);
  }

  /** Attention from each position to the one before it (query {@code q}, key {@code q - 1}). */
  public static Tensor previousTokenScores(ActivationCache cache, int nLayers) {
    return stripe(cache, nLayers, 1, 1);
  }

  /**
   * Attention from each token of the repeat to its own earlier copy (key {@code q - seqLen}), on a
   * cache of {@link #repeatedTokens}.
   */
  public static Tensor duplicateTokenScores(ActivationCache cache, int nLayers, int seqLen) {
    return stripe(cache, nLayers, seqLen, 1 + seqLen);
  }

  /**
   * Attention from each token of the repeat to the token after its earlier copy (key {@code q -
   * seqLen + 1}): what an induction head does, on a cache of {@link #repeatedTokens}. ARENA counts
   * a head with a score above 0.4 as an induction head.
   */
  public static Tensor inductionScores(ActivationCache cache, int nLayers, int seqLen) {
    return stripe(cache, nLayers, seqLen - 1, 1 + seqLen);
  }

  /**
   * The mean pattern weight at key {@code q - offset}, over queries {@code q >= firstQuery}.
   *
   * @throws IllegalArgumentException if the cache lacks a pattern or no query qualifies
   */
  private static Tensor stripe(ActivationCache cache, int nLayers, int offset, int firstQuery) {
    float[] scores = new float[0];
    int nHeads = -1;
    for (int l = 0; l < nLayers; l++) {
      Tensor pattern = cache.get("pattern", l); // [batch, head, query, key]
      long[] s = pattern.shape();
      int batch = (int) s[0];
      int heads = (int) s[1];
      int t = (int) s[2];
      if (nHeads < 0) {
        nHeads = heads;
        scores = new float[nLayers * heads];
      }
      int first = Math.max(firstQuery, offset);
      if (first >= t) {
        throw new IllegalArgumentException(
            "HeadDetectors: a pattern of " + t + " positions has no query at offset " + offset);
      }
      float[] p = pattern.toFloatArray();
      for (int h = 0; h < heads; h++) {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < batch; b++) {
          for (int q = first; q < t; q++) {
            sum += p[((b * heads + h) * t + q) * t + (q - offset)];
            count++;
          }
        }
        scores[l * heads + h] = (float) (sum / count);
      }
    }
    return Tensor.of(scores, nLayers, nHeads);
  }

  /**
   * Mean next-token loss (nats) on the first and on the second copy of a {@link #repeatedTokens}
   * batch: predicting tokens {@code 2..seqLen} of the first copy, and tokens {@code 2..seqLen} of
   * the second (its first token cannot be foreseen). A model that learns in context (induction
   * heads) has a far lower second value.
   *
   * @return {@code {firstHalf, secondHalf}}
   * @throws IllegalArgumentException if {@code seqLen < 2} or the tokens are not {@code [batch, 1 +
   *     2 * seqLen]}
   */
  public static double[] inductionLoss(HookedTransformer model, Tensor repeated, int seqLen) {
    if (seqLen < 2 || repeated.dim() != 2 || repeated.shape()[1] != 1 + 2L * seqLen) {
      throw new IllegalArgumentException(
          "HeadDetectors.inductionLoss: need seqLen >= 2 and tokens [batch, 1 + 2 * seqLen], got"
              + " seqLen "
              + seqLen
              + " and shape "
              + java.util.Arrays.toString(repeated.shape()));
    }
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor logits = model.forward(repeated); // [batch, 1 + 2 seqLen, vocab]
      Tensor logp = F.logSoftmax(logits, -1);
      float[] lp = logp.toFloatArray();
      long[] ids = repeated.toLongArray();
      int batch = (int) repeated.shape()[0];
      int t = (int) repeated.shape()[1];
      int vocab = (int) logits.shape()[2];
      double first = 0;
      double second = 0;
      int nFirst = 0;
      int nSecond = 0;
      for (int b = 0; b < batch; b++) {
        for (int pos = 1; pos < t - 1; pos++) { // predicts token pos + 1
          double loss = -lp[(b * t + pos) * vocab + (int) ids[b * t + pos + 1]];
          if (pos + 1 <= seqLen) {
            first += loss;
            nFirst++;
          } else if (pos + 1 >= seqLen + 2) {
            second += loss;
            nSecond++;
          }
        }
      }
      return new double[] {first / nFirst, second / nSecond};
    }
  }
}
