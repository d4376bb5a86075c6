package dev.residual.interp;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * TransformerLens's {@code test_prompt}: how a model ranks each token of an expected answer after a
 * prompt (the answer's earlier tokens fed in as context), with its top alternatives.
 */
public final class PromptTest {
  private PromptTest() {}

  /**
   * One candidate next token.
   *
   * @param token its id
   * @param text its decoded text
   * @param logit its logit
   * @param prob its probability
   */
  public record Candidate(int token, String text, double logit, double prob) {}

  /**
   * How one answer token fared.
   *
   * @param answer the answer token
   * @param rank its rank among all tokens (0 = the model's top choice)
   * @param top the {@code topK} most likely tokens at that position
   */
  public record AnswerToken(Candidate answer, int rank, List<Candidate> top) {}

  /**
   * Runs {@code prompt + answer} once and reports every answer token's rank, logit and probability
   * and the top {@code topK} tokens at its position.
   *
   * @param prependToken a token to put first (e.g. BOS / {@code <|endoftext|>}), or -1 for none
   * @throws IllegalArgumentException if the prompt or answer encodes to no tokens, or the whole
   *     sequence is longer than the model's context
   */
  public static List<AnswerToken> run(
      HookedTransformer model,
      Tokenizer tok,
      String prompt,
      String answer,
      int topK,
      int prependToken) {
    int[] p = tok.encode(prompt);
    int[] a = tok.encode(answer);
    if (p.length == 0 || a.length == 0) {
      throw new IllegalArgumentException(
          "PromptTest: prompt and answer must encode to at least one token each, got "
              + p.length
              + " and "
              + a.length);
    }
    int offset = prependToken >= 0 ? 1 : 0;
    long[] ids = new long[offset + p.length + a.length];
    if (offset == 1) {
      ids[0] = prependToken;
    }
    for (int i = 0; i < p.length; i++) {
      ids[offset + i] = p[i];
    }
    for (int i = 0; i < a.length; i++) {
      ids[offset + p.length + i] = a[i];
    }
    Tensor logits;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      logits = model.forward(Tensor.of(ids, 1, ids.length)).select(0, 0); // [pos, vocab]
    }
    int vocab = (int) logits.shape()[1];
    float[] l = logits.toFloatArray();
    float[] probs = F.softmax(logits, -1).toFloatArray();
    List<AnswerToken> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      int pos = offset + p.length - 1 + i; // predicts answer token i
      int target = a[i];
      int base = pos * vocab;
      int rank = 0;
      for (int v = 0; v < vocab; v++) {
        if (l[base + v] > l[base + target] || (l[base + v] == l[base + target] && v < target)) {
          rank++;
        }
      }
      Integer[] order = new Integer[vocab];
      for (int v = 0; v < vocab; v++) {
        order[v] = v;
      }
      Arrays.sort(order, (x, y) -> Float.compare(l[base + y], l[base + x]));
      List<Candidate> top = new ArrayList<>();
      for (int r = 0; r < Math.min(topK, vocab); r++) {
        int v = order[r];
        top.add(new Candidate(v, tok.decode(new int[] {v}), l[base + v], probs[base + v]));
      }
      out.add(
          new AnswerToken(
              new Candidate(
                  target, tok.decode(new int[] {target}), l[base + target], probs[base + target]),
              rank,
              top));
    }
    return out;
  }

  /** The report as TransformerLens prints it: one block per answer token. */
  public static String format(List<AnswerToken> results) {
    StringBuilder sb = new StringBuilder();
    for (AnswerToken r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Performance on answer token:%nRank: %d  Logit: %.2f  Prob: %.2f%%  Token: |%s|%n",
              r.rank(),
              r.answer().logit(),
              100 * r.answer().prob(),
              r.answer().text()));
      for (int i = 0; i < r.top().size(); i++) {
        Candidate c = r.top().get(i);
        sb.append(
            String.format(
                Locale.ROOT,
                "Top %d. Logit: %.2f  Prob: %.2f%%  Token: |%s|%n",
                i,
                c.logit(),
                100 * c.prob(),
                c.text()));
      }
    }
    return sb.toString();
  }
}
