package dev.residual.transformer.generate;

import dev.residual.tensor.Generator;
import java.util.Arrays;

/**
 * The model-independent half of decoding: turning one row of next-token logits ({@code float[]} of
 * length {@code vocab}) into a token, in Hugging Face's order — penalties ({@link
 * #applyPenalties}), then temperature (0 = greedy), top-k, top-p and min-p ({@link #distribution}),
 * then the draw ({@link #draw}). {@link #next} runs the whole chain.
 *
 * <p>Methods that edit logits do so in place and say so. Token ids given in {@code tokens} must lie
 * in {@code [0, vocab)}. Probabilities are computed in double.
 */
public final class LogitsProcessing {
  /**
   * Relative slack on the top-p threshold, so that a cumulative sum meant to equal {@code topP}
   * exactly (0.5 + 0.3 for {@code topP = 0.8}) is not missed by rounding and one more token kept.
   */
  private static final double TOP_P_SLACK = 1e-12;

  private LogitsProcessing() {}

  /**
   * CTRL's repetition penalty (Hugging Face's {@code repetition_penalty}), in place: every token
   * occurring in {@code tokens[from, to)}, counted once however often it occurs, has its logit
   * divided by {@code penalty} when positive and multiplied by it otherwise. A penalty of 1 does
   * nothing.
   *
   * @param logits one row of logits, {@code [vocab]}, edited in place
   * @throws IllegalArgumentException if the range is outside {@code tokens}, a token id is outside
   *     {@code [0, vocab)}, or {@code penalty} is not finite and positive
   */
  public static void applyRepetitionPenalty(
      float[] logits, int[] tokens, int from, int to, double penalty) {
    String op = "applyRepetitionPenalty";
    checkRange(op, tokens, from, to);
    if (!(penalty > 0) || Double.isInfinite(penalty)) {
      throw new IllegalArgumentException(op + ": penalty must be finite and > 0, got " + penalty);
    }
    if (penalty == 1.0 || from == to) {
      return;
    }
    int[] sorted = sortedTokens(op, logits, tokens, from, to);
    for (int i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        continue;
      }
      int t = sorted[i];
      float v = logits[t];
      logits[t] = (float) (v > 0 ? v / penalty : v * penalty);
    }
  }

  /**
   * OpenAI's frequency and presence penalties, in place: a token occurring {@code count > 0} times
   * in {@code tokens[from, to)} has {@code frequency * count + presence} subtracted from its logit.
   *
   * @param logits one row of logits, {@code [vocab]}, edited in place
   * @throws IllegalArgumentException if the range is outside {@code tokens}, a token id is outside
   *     {@code [0, vocab)}, or a penalty is not finite
   */
  public static void applyFrequencyPresence(
      float[] logits, int[] tokens, int from, int to, double frequency, double presence) {
    String op = "applyFrequencyPresence";
    checkRange(op, tokens, from, to);
    if (!Double.isFinite(frequency) || !Double.isFinite(presence)) {
      throw new IllegalArgumentException(
          op + ": penalties must be finite, got frequency " + frequency + ", presence " + presence);
    }
    if ((frequency == 0 && presence == 0) || from == to) {
      return;
    }
    int[] sorted = sortedTokens(op, logits, tokens, from, to);
    int i = 0;
    while (i < sorted.length) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      int t = sorted[i];
      logits[t] = (float) (logits[t] - (frequency * (j - i) + presence));
      i = j;
    }
  }

  /**
   * Hugging Face's {@code no_repeat_ngram_size}, in place: every token that, appended to {@code
   * tokens[0, length)}, would complete an {@code n}-gram already occurring in {@code tokens[0,
   * length)} gets a logit of {@code -inf}. The n-gram's first {@code n - 1} tokens are the last
   * {@code n - 1} of the sequence ({@code n = 1} bans every token present). Nothing happens when
   * {@code n <= 0} or {@code length < n - 1}.
   *
   * @param logits one row of logits, {@code [vocab]}, edited in place
   * @throws IllegalArgumentException if {@code length} is outside {@code [0, tokens.length]} or a
   *     banned token id is outside {@code [0, vocab)}
   */
  public static void banRepeatedNgrams(float[] logits, int[] tokens, int length, int n) {
    String op = "banRepeatedNgrams";
    checkRange(op, tokens, 0, length);
    if (n <= 0 || length < n - 1) {
      return;
    }
    int prefix = length - (n - 1);
    for (int start = 0; start + n <= length; start++) {
      boolean same = true;
      for (int k = 0; k < n - 1 && same; k++) {
        same = tokens[start + k] == tokens[prefix + k];
      }
      if (same) {
        int t = tokens[start + n - 1];
        checkToken(op, logits, t);
        logits[t] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * All of {@code c}'s penalties, in place and in Hugging Face's order: the repetition penalty over
   * the whole sequence {@code tokens[0, length)} (prompt included, as Hugging Face), the frequency
   * and presence penalties over the generated part {@code tokens[promptLength, length)} only (as
   * OpenAI), then the no-repeat-n-gram ban over the whole sequence.
   *
   * @param logits one row of logits, {@code [vocab]}, edited in place
   * @param tokens the sequence so far, prompt first; entries past {@code length} are ignored
   * @throws IllegalArgumentException if {@code 0 <= promptLength <= length <= tokens.length} fails
   *     or a token id is outside {@code [0, vocab)}
   */
  public static void applyPenalties(
      float[] logits, int[] tokens, int length, int promptLength, GenerationConfig c) {
    checkRange("applyPenalties", tokens, 0, length);
    if (promptLength < 0 || promptLength > length) {
      throw new IllegalArgumentException(
          "applyPenalties: promptLength must be in [0, length "
              + length
              + "], got "
              + promptLength);
    }
    applyRepetitionPenalty(logits, tokens, 0, length, c.repetitionPenalty());
    applyFrequencyPresence(
        logits, tokens, promptLength, length, c.frequencyPenalty(), c.presencePenalty());
    banRepeatedNgrams(logits, tokens, length, c.noRepeatNgramSize());
  }

  /**
   * The probabilities sampling draws from, {@code [vocab]}; {@code logits} is not modified.
   *
   * <p>With {@code temperature == 0}: a one-hot at {@link #argmax}. Otherwise {@code softmax(logits
   * / temperature)} in double, then top-k (the {@code topK} most probable tokens, the lower index
   * kept on a tie at the boundary, so exactly {@code topK} remain), then top-p on the renormalised
   * top-k distribution (tokens in order of decreasing probability, ties by increasing index, up to
   * the first whose cumulative probability reaches {@code topP}, at least one token; skipped when
   * {@code topP == 1}), then min-p (tokens with {@code p >= minP * maxP}), renormalised; zeros
   * elsewhere. Tokens are ranked by logit, which orders them as their probabilities do. A {@code
   * -inf} logit gets probability 0.
   *
   * @param logits one row of logits, {@code [vocab]}
   * @throws IllegalArgumentException if a logit is NaN or {@code +inf}, every logit is {@code
   *     -inf}, or {@code logits} is empty
   */
  public static double[] distribution(float[] logits, GenerationConfig c) {
    int vocab = logits.length;
    float max = checkLogits("distribution", logits);
    double[] p = new double[vocab];
    if (c.temperature() == 0) {
      p[argmaxOf(logits, max)] = 1.0;
      return p;
    }
    double invT = 1.0 / c.temperature();
    double total = 0;
    int positive = 0;
    for (int i = 0; i < vocab; i++) {
      // Subtracting the max before dividing keeps a tiny temperature from overflowing to inf/inf.
      double e = Math.exp(((double) logits[i] - max) * invT);
      p[i] = e;
      total += e;
      if (e > 0) {
        positive++;
      }
    }
    int k = c.topK() > 0 && c.topK() < positive ? c.topK() : 0;
    boolean truncate = k > 0 || c.topP() < 1 || c.minP() > 0;
    if (!truncate) {
      for (int i = 0; i < vocab; i++) {
        p[i] /= total;
      }
      return p;
    }
    long[] keys;
    int kept;
    if (k > 0) {
      keys = topKeys(logits, p, k);
      kept = k;
    } else {
      // Only tokens at or above a floor can be kept, so only they are sorted. Top-p: the tokens
      // below total * (1 - topP) / (2 vocab) weigh less than half of 1 - topP together, so the
      // prefix reaching topP ends before them. Min-p alone: the floor is minP * maxP, maxP = 1.
      double floor =
          c.topP() < 1
              ? total * (1 - c.topP()) / (2.0 * vocab)
              : c.minP() * p[argmaxOf(logits, max)];
      int n = 0;
      for (int i = 0; i < vocab; i++) {
        if (p[i] > 0 && p[i] >= floor) {
          n++;
        }
      }
      keys = new long[n];
      n = 0;
      for (int i = 0; i < vocab; i++) {
        if (p[i] > 0 && p[i] >= floor) {
          keys[n++] = rankKey(logits[i], i);
        }
      }
      Arrays.sort(keys);
      kept = n;
    }
    if (c.topP() < 1) {
      // The mass top-p measures against: the top-k tokens', or every token's without top-k (the
      // keys then hold only the tokens above the floor).
      double keptTotal = 0;
      if (k > 0) {
        for (int j = 0; j < kept; j++) {
          keptTotal += p[index(keys[j])];
        }
      } else {
        keptTotal = total;
      }
      double threshold = c.topP() * keptTotal * (1 - TOP_P_SLACK);
      double cum = 0;
      int m = 0;
      while (m < kept) {
        cum += p[index(keys[m])];
        m++;
        if (cum >= threshold) {
          break;
        }
      }
      kept = m;
    }
    if (c.minP() > 0) {
      double threshold = c.minP() * p[index(keys[0])];
      int m = 1;
      while (m < kept && p[index(keys[m])] >= threshold) {
        m++;
      }
      kept = m;
    }
    double[] out = new double[vocab];
    double keptTotal = 0;
    for (int j = 0; j < kept; j++) {
      keptTotal += p[index(keys[j])];
    }
    for (int j = 0; j < kept; j++) {
      int i = index(keys[j]);
      out[i] = p[i] / keptTotal;
    }
    return out;
  }

  /**
   * The index of the largest logit, the lowest index on ties.
   *
   * @param logits one row of logits, {@code [vocab]}
   * @throws IllegalArgumentException if a logit is NaN or {@code +inf}, every logit is {@code
   *     -inf}, or {@code logits} is empty
   */
  public static int argmax(float[] logits) {
    return argmaxOf(logits, checkLogits("argmax", logits));
  }

  /**
   * Draws an index from {@code probs} by the inverse CDF of one {@code g.nextDouble()}, scaled by
   * the total so slightly unnormalised rows draw correctly. Never returns an index of probability
   * 0, however the sum rounds.
   *
   * @param probs non-negative weights, {@code [vocab]}, not all 0
   * @throws IllegalArgumentException if a weight is negative, NaN or infinite, or all are 0
   */
  public static int draw(double[] probs, Generator g) {
    double total = 0;
    int last = -1;
    for (int i = 0; i < probs.length; i++) {
      double q = probs[i];
      if (!(q >= 0) || q == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "draw: probabilities must be finite and >= 0, got " + q + " at index " + i);
      }
      if (q > 0) {
        total += q;
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException(
          "draw: every one of the " + probs.length + " probabilities is 0");
    }
    double u = g.nextDouble() * total;
    double cum = 0;
    for (int i = 0; i < last; i++) {
      cum += probs[i];
      // cum grows only at positive entries, so the first index passing u has probability > 0.
      if (u < cum) {
        return i;
      }
    }
    return last;
  }

  /**
   * The next token: {@link #applyPenalties} (editing {@code logits} in place), then {@link #argmax}
   * when {@code c} is greedy (no randomness consumed; {@code g} may be null) or {@link #draw} from
   * {@link #distribution} (one {@code g.nextDouble()}).
   *
   * @param logits the model's logits for the next position, {@code [vocab]}, edited in place
   * @param tokens the sequence so far, prompt first; entries past {@code length} are ignored
   * @throws IllegalArgumentException as {@link #applyPenalties} and {@link #distribution}, or if
   *     {@code c} samples and {@code g} is null
   */
  public static int next(
      float[] logits, int[] tokens, int length, int promptLength, GenerationConfig c, Generator g) {
    applyPenalties(logits, tokens, length, promptLength, c);
    if (!c.doSample()) {
      return argmax(logits);
    }
    if (g == null) {
      throw new IllegalArgumentException(
          "next: sampling (temperature " + c.temperature() + ") needs a Generator, got null");
    }
    return draw(distribution(logits, c), g);
  }

  /**
   * The log-softmax of one row, in double and stable ({@code l - max - log(sum(exp(l - max)))}),
   * {@code [vocab]}; {@code -inf} logits give {@code -inf}. Beam search scores with it.
   *
   * @param logits one row of logits, {@code [vocab]}
   * @throws IllegalArgumentException if a logit is NaN or {@code +inf}, every logit is {@code
   *     -inf}, or {@code logits} is empty
   */
  public static double[] logSoftmax(float[] logits) {
    double max = checkLogits("logSoftmax", logits);
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    double shift = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - shift;
    }
    return out;
  }

  /** Validates a row of logits and returns its maximum. */
  private static float checkLogits(String op, float[] logits) {
    if (logits.length == 0) {
      throw new IllegalArgumentException(op + ": logits are empty (vocab 0)");
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float l = logits[i];
      if (Float.isNaN(l) || l == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            op + ": logit " + l + " at index " + i + " of " + logits.length + " (model diverged?)");
      }
      if (l > max) {
        max = l;
      }
    }
    if (max == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException(
          op
              + ": all "
              + logits.length
              + " logits are -inf, no token can be chosen (every token banned?)");
    }
    return max;
  }

  private static int argmaxOf(float[] logits, float max) {
    int i = 0;
    while (logits[i] != max) {
      i++;
    }
    return i;
  }

  /**
   * A key whose ascending order is decreasing logit, then increasing index: the logit's bits made
   * order-preserving as a signed int and complemented, above the index.
   */
  private static long rankKey(float logit, int index) {
    int bits = Float.floatToIntBits(logit + 0.0f); // + 0.0f turns -0.0 into 0.0
    int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
    return ((long) ~ordered << 32) | index;
  }

  private static int index(long key) {
    return (int) key;
  }

  /**
   * The rank keys of the {@code k} most probable tokens, best first, in O(vocab log k) with a
   * max-heap of the k best keys seen so far, since {@code k} is usually far below the vocabulary
   * size. Needs at least {@code k} tokens of positive probability.
   */
  private static long[] topKeys(float[] logits, double[] p, int k) {
    long[] heap = new long[k];
    int size = 0;
    for (int i = 0; i < logits.length; i++) {
      if (!(p[i] > 0)) {
        continue;
      }
      long key = rankKey(logits[i], i);
      if (size < k) {
        heap[size++] = key;
        if (size == k) {
          for (int j = k / 2 - 1; j >= 0; j--) {
            siftDown(heap, j, k);
          }
        }
      } else if (key < heap[0]) {
        heap[0] = key;
        siftDown(heap, 0, k);
      }
    }
    Arrays.sort(heap);
    return heap;
  }

  private static void siftDown(long[] heap, int i, int size) {
    long v = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] > heap[child]) {
        child++;
      }
      if (heap[child] <= v) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = v;
  }

  private static void checkRange(String op, int[] tokens, int from, int to) {
    if (from < 0 || from > to || to > tokens.length) {
      throw new IllegalArgumentException(
          op
              + ": token range ["
              + from
              + ", "
              + to
              + ") is outside the "
              + tokens.length
              + " tokens");
    }
  }

  private static void checkToken(String op, float[] logits, int t) {
    if (t < 0 || t >= logits.length) {
      throw new IllegalArgumentException(
          op + ": token id " + t + " is outside the vocabulary [0, " + logits.length + ")");
    }
  }

  /** {@code tokens[from, to)} sorted, each checked to be a valid id. */
  private static int[] sortedTokens(String op, float[] logits, int[] tokens, int from, int to) {
    int[] sorted = Arrays.copyOfRange(tokens, from, to);
    for (int t : sorted) {
      checkToken(op, logits, t);
    }
    Arrays.sort(sorted);
    return sorted;
  }
}
