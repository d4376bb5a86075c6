package dev.residual.transformer.generate;

import dev.residual.tensor.Generator;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text generation with a {@link GPT2}: greedy decoding, sampling (penalties, temperature, top-k,
 * top-p, min-p) and beam search, all on a {@link KVCache} so each step encodes one new token.
 *
 * <pre>{@code
 * Generation gen = new Generation(model, tokenizer);
 * GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(50).temperature(0.8).topK(40).build();
 * Generation.Result r = gen.generate(tokenizer.encode("ROMEO:"), cfg);
 * System.out.println(r.text());
 * }</pre>
 *
 * <p><b>Context longer than the block size.</b> Learned absolute positions mean a token's keys
 * depend on its position, so once prompt + output exceed the model's block size, every step
 * re-encodes the last {@code blockSize} tokens (a sliding window, as nanoGPT crops its context);
 * the logits then equal a full forward over that window.
 *
 * <p><b>Batches.</b> Prompts of different lengths are left-padded and masked; positions count from
 * each prompt's first token, so every sequence gets the tokens it would get alone. When sampling,
 * copy {@code j} of a prompt draws from its own generator seeded {@code seed + j}, so copy 0
 * reproduces a single-prompt run with the same seed.
 *
 * <p>Not thread-safe (one generation at a time per instance).
 */
public final class Generation {
  private final Decoder decoder;
  private final Tokenizer tokenizer;

  /** Why a sequence stopped. */
  public enum FinishReason {
    /** It produced one of the stop (end-of-sequence) tokens; the token is included. */
    STOP_TOKEN,
    /** Its text came to contain a stop string; the text is cut before it. */
    STOP_STRING,
    /** It reached {@code maxNewTokens}. */
    LENGTH
  }

  /**
   * One generated sequence.
   *
   * @param tokens the new tokens only (the prompt excluded; a final stop token included)
   * @param text the new tokens decoded (cut before a stop string), or null without a tokenizer
   * @param finishReason why it stopped
   * @param score for beam search, the hypothesis score {@code sumLogProbs / length^lengthPenalty};
   *     otherwise the sum of the log-probabilities of the chosen tokens under the model (before any
   *     sampling transform)
   */
  public record Result(int[] tokens, String text, FinishReason finishReason, double score) {}

  /** Receives each token as it is generated (streaming). */
  @FunctionalInterface
  public interface TokenListener {
    /**
     * Called once per new token.
     *
     * @param sequence index of the sequence in the result list
     * @param token the token id
     */
    void onToken(int sequence, int token);
  }

  /** Generation without a tokenizer (no stop strings, no text in results). */
  public Generation(GPT2 model) {
    this(model, null);
  }

  /**
   * Generation with {@code tokenizer} for stop strings and result text (may be null).
   *
   * @throws IllegalArgumentException if the model is not FLOAT32
   */
  public Generation(GPT2 model, Tokenizer tokenizer) {
    this.decoder = new Decoder(model);
    this.tokenizer = tokenizer;
    model.eval();
  }

  /** The decoder (for custom loops). */
  public Decoder decoder() {
    return decoder;
  }

  /**
   * Generates from one prompt and returns the first sequence (see {@link #generate(List,
   * GenerationConfig, TokenListener)}).
   */
  public Result generate(int[] prompt, GenerationConfig config) {
    return generate(List.of(prompt), config, null).get(0);
  }

  /**
   * Generates {@code numReturnSequences} continuations of every prompt.
   *
   * @param prompts token ids, each non-empty
   * @param config how to generate; {@code numBeams > 1} selects beam search
   * @param listener receives tokens as they come (may be null); with beam search the tokens of the
   *     returned hypotheses are reported once the search ends, since beams are reselected until
   *     then
   * @return {@code prompts.size() * numReturnSequences} results, those of prompt 0 first
   * @throws IllegalArgumentException if a prompt is empty or holds an out-of-range token, or stop
   *     strings are set without a tokenizer
   */
  public List<Result> generate(
      List<int[]> prompts, GenerationConfig config, TokenListener listener) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("Generation.generate: no prompts");
    }
    for (int p = 0; p < prompts.size(); p++) {
      if (prompts.get(p).length == 0) {
        throw new IllegalArgumentException("Generation.generate: prompt " + p + " is empty");
      }
    }
    if (!config.stopStrings().isEmpty() && tokenizer == null) {
      throw new IllegalArgumentException(
          "Generation.generate: stop strings need a tokenizer (use new Generation(model, tok))");
    }
    if (config.numBeams() > 1) {
      List<Result> out = new ArrayList<>();
      for (int[] prompt : prompts) {
        List<Result> beams = beamSearch(prompt, config);
        for (Result r : beams) {
          if (listener != null) {
            for (int tok : r.tokens()) {
              listener.onToken(out.size(), tok);
            }
          }
          out.add(r);
        }
      }
      return out;
    }
    return sample(prompts, config, listener);
  }

  // ---------------------------------------------------------------- greedy and sampling

  private List<Result> sample(
      List<int[]> prompts, GenerationConfig config, TokenListener listener) {
    int copies = config.numReturnSequences();
    int rows = prompts.size() * copies;
    int vocab = decoder.model().config().vocabSize();
    int maxNew = config.maxNewTokens();
    List<int[]> rowPrompts = new ArrayList<>();
    int[] promptLen = new int[rows];
    Generator[] gens = new Generator[rows];
    for (int r = 0; r < rows; r++) {
      int[] p = prompts.get(r / copies);
      rowPrompts.add(p);
      promptLen[r] = p.length;
      gens[r] = new Generator(config.seed() + r % copies);
    }
    StopState stops = new StopState(rows, config);
    FinishReason[] reason = new FinishReason[rows];
    double[] score = new double[rows];
    int[][] out = new int[rows][maxNew];
    int[] count = new int[rows];
    if (maxNew > 0) {
      DecodeContext ctx = new DecodeContext(decoder, rowPrompts);
      float[] row = new float[vocab];
      int[] next = new int[rows];
      for (int step = 0; step < maxNew; step++) {
        boolean anyActive = false;
        float[] logits = ctx.allLogits();
        for (int r = 0; r < rows; r++) {
          if (reason[r] != null) {
            next[r] = 0; // finished rows decode a dummy token that is never reported
            continue;
          }
          System.arraycopy(logits, r * vocab, row, 0, vocab);
          double[] logp = LogitsProcessing.logSoftmax(row);
          int tok =
              LogitsProcessing.next(
                  row, ctx.buffer(r), ctx.length(r), promptLen[r], config, gens[r]);
          score[r] += logp[tok];
          out[r][count[r]++] = tok;
          next[r] = tok;
          if (listener != null) {
            listener.onToken(r, tok);
          }
          if (config.isStopToken(tok)) {
            reason[r] = FinishReason.STOP_TOKEN;
          } else if (stops.check(r, out[r], count[r])) {
            reason[r] = FinishReason.STOP_STRING;
          } else if (count[r] == maxNew) {
            reason[r] = FinishReason.LENGTH;
          } else {
            anyActive = true;
          }
        }
        if (!anyActive) {
          break;
        }
        ctx.append(next);
      }
    }
    List<Result> results = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int[] toks = Arrays.copyOf(out[r], count[r]);
      FinishReason why = reason[r] == null ? FinishReason.LENGTH : reason[r];
      results.add(new Result(toks, text(toks, stops.cut(r)), why, score[r]));
    }
    return results;
  }

  private String text(int[] toks, int cut) {
    if (tokenizer == null) {
      return null;
    }
    String s = tokenizer.decode(toks);
    return cut >= 0 ? s.substring(0, cut) : s;
  }

  /** Stop-string bookkeeping per row: where in the decoded text a stop string begins. */
  private final class StopState {
    private final StopStrings[] watchers;
    private final int[] cut;

    StopState(int rows, GenerationConfig config) {
      this.watchers = new StopStrings[config.stopStrings().isEmpty() ? 0 : rows];
      for (int r = 0; r < watchers.length; r++) {
        watchers[r] = new StopStrings(config.stopStrings());
      }
      this.cut = new int[rows];
      Arrays.fill(cut, -1);
    }

    /** Whether row {@code r}'s generated text now contains a stop string (records where). */
    boolean check(int r, int[] generated, int count) {
      if (watchers.length == 0) {
        return false;
      }
      // Decoding the whole text each step keeps multi-byte characters split over byte-level tokens
      // intact; the watcher only searches what is new.
      int at = watchers[r].scan(tokenizer.decode(Arrays.copyOf(generated, count)));
      if (at >= 0) {
        cut[r] = at;
        return true;
      }
      return false;
    }

    int cut(int r) {
      return cut[r];
    }
  }

  // ---------------------------------------------------------------- beam search

  /** Beam search for one prompt (package-private so tests can run it with one beam). */
  List<Result> beamSearch(int[] prompt, GenerationConfig config) {
    int beams = config.numBeams();
    int vocab = decoder.model().config().vocabSize();
    int maxNew = config.maxNewTokens();
    int promptLen = prompt.length;
    BeamHypotheses done = new BeamHypotheses(beams, config.lengthPenalty(), config.earlyStopping());
    if (maxNew == 0) {
      done.add(new int[0], 0.0, false);
      return done.best(config.numReturnSequences());
    }
    List<int[]> start = new ArrayList<>();
    for (int b = 0; b < beams; b++) {
      start.add(prompt);
    }
    DecodeContext ctx = new DecodeContext(decoder, start);
    double[] beamScore = new double[beams];
    // Only beam 0 is live at first, so the first step does not pick the same token from copies.
    Arrays.fill(beamScore, 1, beams, -1e9);
    int nCand = Math.max(2, 1 + config.stopTokens().length) * beams;
    float[] row = new float[vocab];
    double[] candScore = new double[beams * vocab];
    for (int step = 0; step < maxNew; step++) {
      int cur = ctx.length(0); // every beam has the same length
      float[] logits = ctx.allLogits();
      for (int b = 0; b < beams; b++) {
        System.arraycopy(logits, b * vocab, row, 0, vocab);
        double[] logp = LogitsProcessing.logSoftmax(row);
        for (int v = 0; v < vocab; v++) {
          row[v] = (float) logp[v];
        }
        // As Hugging Face: penalties and n-gram bans act on the log-probabilities.
        LogitsProcessing.applyPenalties(row, ctx.buffer(b), cur, promptLen, config);
        for (int v = 0; v < vocab; v++) {
          candScore[b * vocab + v] = row[v] + beamScore[b];
        }
      }
      int[] top = topIndices(candScore, nCand);
      int[] nextBeam = new int[beams];
      int[] nextTok = new int[beams];
      double[] nextScore = new double[beams];
      int kept = 0;
      for (int rank = 0; rank < top.length && kept < beams; rank++) {
        int idx = top[rank];
        int b = idx / vocab;
        int tok = idx % vocab;
        double sc = candScore[idx];
        if (sc == Double.NEGATIVE_INFINITY) {
          break; // everything left is banned
        }
        if (config.isStopToken(tok)) {
          if (rank >= beams) {
            continue; // as Hugging Face: an EOS outside the top numBeams is not a hypothesis
          }
          int[] hyp = Arrays.copyOfRange(ctx.buffer(b), promptLen, cur + 1);
          hyp[cur - promptLen] = tok;
          done.add(hyp, sc, true);
        } else {
          nextBeam[kept] = b;
          nextTok[kept] = tok;
          nextScore[kept] = sc;
          kept++;
        }
      }
      if (kept < beams) {
        throw new IllegalStateException(
            "Generation: beam search found only "
                + kept
                + " allowed continuations for "
                + beams
                + " beams (too many tokens banned by noRepeatNgramSize?)");
      }
      // Lengths count generated tokens, the one chosen at this step included (as HF's scorer).
      if (done.isDone(candScore[top[0]], cur - promptLen + 1, maxNew)) {
        return done.best(config.numReturnSequences());
      }
      beamScore = nextScore;
      ctx.reorder(nextBeam);
      if (step == maxNew - 1) {
        // Out of length: the running beams become hypotheses too.
        for (int b = 0; b < beams; b++) {
          int[] hyp = Arrays.copyOfRange(ctx.buffer(b), promptLen, cur + 1);
          hyp[cur - promptLen] = nextTok[b];
          done.add(hyp, beamScore[b], false);
        }
        break;
      }
      ctx.append(nextTok);
    }
    return done.best(config.numReturnSequences());
  }

  /**
   * The finished hypotheses of one beam search: at most {@code numBeams}, scored {@code sumLogProbs
   * / length^lengthPenalty} with length the number of generated tokens (a final stop token
   * included), as Hugging Face's beam scorer does.
   */
  private final class BeamHypotheses {
    private final int numBeams;
    private final double lengthPenalty;
    private final GenerationConfig.EarlyStopping earlyStopping;
    private final List<Object[]> hyps = new ArrayList<>(); // {tokens, score, stopped}
    private double worst = Double.POSITIVE_INFINITY;

    BeamHypotheses(int numBeams, double lengthPenalty, GenerationConfig.EarlyStopping early) {
      this.numBeams = numBeams;
      this.lengthPenalty = lengthPenalty;
      this.earlyStopping = early;
    }

    private double score(double sumLogProbs, int length) {
      return length == 0 ? sumLogProbs : sumLogProbs / Math.pow(length, lengthPenalty);
    }

    void add(int[] tokens, double sumLogProbs, boolean stopped) {
      double sc = score(sumLogProbs, tokens.length);
      if (hyps.size() < numBeams || sc > worst) {
        hyps.add(new Object[] {tokens, sc, stopped});
        if (hyps.size() > numBeams) {
          int w = 0;
          for (int i = 1; i < hyps.size(); i++) {
            if ((double) hyps.get(i)[1] < (double) hyps.get(w)[1]) {
              w = i;
            }
          }
          hyps.remove(w);
        }
        worst = Double.POSITIVE_INFINITY;
        for (Object[] h : hyps) {
          worst = Math.min(worst, (double) h[1]);
        }
      }
    }

    /**
     * Whether no running beam can still beat the worst kept hypothesis: {@code earlyStopping} TRUE
     * stops as soon as {@code numBeams} hypotheses exist; FALSE compares with the best running
     * score at the current length; NEVER with the best score it could reach at the maximum length
     * (when {@code lengthPenalty > 0}).
     */
    boolean isDone(double bestRunningSum, int curLength, int maxLength) {
      if (hyps.size() < numBeams) {
        return false;
      }
      switch (earlyStopping) {
        case TRUE:
          return true;
        case FALSE:
          return worst >= score(bestRunningSum, curLength);
        default:
          int len = lengthPenalty > 0 ? maxLength : curLength;
          return worst >= score(bestRunningSum, len);
      }
    }

    List<Result> best(int n) {
      List<Object[]> sorted = new ArrayList<>(hyps);
      sorted.sort((a, b) -> Double.compare((double) b[1], (double) a[1]));
      List<Result> out = new ArrayList<>();
      for (int i = 0; i < Math.min(n, sorted.size()); i++) {
        Object[] h = sorted.get(i);
        int[] toks = (int[]) h[0];
        FinishReason why = (boolean) h[2] ? FinishReason.STOP_TOKEN : FinishReason.LENGTH;
        out.add(new Result(toks, text(toks, -1), why, (double) h[1]));
      }
      return out;
    }
  }

  /** Indices of the {@code k} largest values, best first (lower index first on ties). */
  static int[] topIndices(double[] a, int k) {
    k = Math.min(k, a.length);
    int[] idx = new int[k];
    double[] val = new double[k];
    int n = 0;
    // Insertion into a sorted top-k list: k is a few times the beam width, so O(len * k) at worst
    // and O(len) in practice (most values fail the first comparison).
    for (int i = 0; i < a.length; i++) {
      double v = a[i];
      if (n == k && !(v > val[k - 1])) {
        continue;
      }
      int pos = n < k ? n : k - 1;
      while (pos > 0 && v > val[pos - 1]) {
        if (pos < k) {
          val[pos] = val[pos - 1];
          idx[pos] = idx[pos - 1];
        }
        pos--;
      }
      val[pos] = v;
      idx[pos] = i;
      if (n < k) {
        n++;
      }
    }
    return n == k ? idx : Arrays.copyOf(idx, n);
  }
}
