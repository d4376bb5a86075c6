package dev.residual.interp;

import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.optim.Optimizer;
import dev.residual.plot.LineChart;
import dev.residual.plot.Plots;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The induction-heads study of Olsson et al. (2022) and ARENA, end to end: train a 2-layer
 * attention-only transformer from scratch, then find its circuit with this package's instruments.
 *
 * <p><b>Data.</b> Each training sequence is {@code [BOS]} followed by uniform random tokens from
 * {@code [1, vocab)}, into which {@code copies} bigrams {@code (a, b)} are planted twice each, at
 * random non-overlapping positions: {@code … a b … a b …}. The loss is taken only where the token
 * is determined by the context: at the second {@code b} of each bigram (every other target is
 * {@code -100}, ignored). Only an induction circuit predicts those tokens: a head that attends from
 * the second {@code a} to the token after the first {@code a}, which needs a layer-0 head that
 * moves "my previous token was {@code a}" into the key of {@code b}. Planting short bigrams at
 * random distances leaves no positional shortcut; longer copied segments let a layer-0 head that
 * attends "about n tokens back" compete, and it wins on some seeds.
 *
 * <p><b>Curriculum.</b> The time until the induction head forms grows quickly with the context
 * length, so training starts on short contexts ({@link Config#shortContext}) and then continues on
 * {@code 1 + 2 · evalSeqLen} tokens, so that the learned position embeddings cover the evaluation
 * sequence.
 *
 * <p><b>Evaluation</b> is ARENA's: {@code [BOS] + evalSeqLen random tokens + the same again}
 * ({@link HeadDetectors#repeatedTokens}); previous-token, duplicate-token and induction scores per
 * head {@code [layer, head]}; the loss on the first and on the second copy ({@link
 * HeadDetectors#inductionLoss}); K-, Q- and V-composition of every layer-1 head with every layer-0
 * head against the random baseline ({@link Composition}).
 */
public final class InductionStudy {
  /** ARENA's threshold: a head whose induction score exceeds it is an induction head. */
  public static final double INDUCTION_THRESHOLD = 0.4;

  private InductionStudy() {}

  /**
   * Settings of one study.
   *
   * @param vocab vocabulary size including {@code BOS = 0}
   * @param dModel residual stream width
   * @param nHeads heads per layer ({@code dModel % nHeads == 0})
   * @param useLn LayerNorm before attention and unembedding (without learned weights)
   * @param shortContext tokens per sequence in the first phase
   * @param shortSteps optimizer steps of the first phase
   * @param shortCopies planted bigram pairs per short sequence
   * @param longSteps optimizer steps on {@code 1 + 2 · evalSeqLen}-token sequences (may be 0)
   * @param longCopies planted bigram pairs per long sequence
   * @param batchSize sequences per step
   * @param lr AdamW learning rate (no weight decay)
   * @param evalSeqLen length of the random segment of the evaluation sequence
   * @param evalBatch evaluation sequences
   * @param evalEvery steps between progress snapshots
   * @param seed seed of initialisation and data (evaluation data uses {@code seed + 1})
   */
  public record Config(
      int vocab,
      int dModel,
      int nHeads,
      boolean useLn,
      int shortContext,
      int shortSteps,
      int shortCopies,
      int longSteps,
      int longCopies,
      int batchSize,
      double lr,
      int evalSeqLen,
      int evalBatch,
      int evalEvery,
      long seed) {
    /**
     * @throws IllegalArgumentException naming the first bad field
     */
    public Config {
      require(vocab >= 8, "vocab", vocab, ">= 8");
      require(dModel >= 1, "dModel", dModel, ">= 1");
      require(nHeads >= 1 && dModel % nHeads == 0, "nHeads", nHeads, "a divisor of dModel");
      require(evalSeqLen >= 2, "evalSeqLen", evalSeqLen, ">= 2");
      require(shortContext >= 5, "shortContext", shortContext, ">= 5");
      require(shortSteps >= 0, "shortSteps", shortSteps, ">= 0");
      require(longSteps >= 0, "longSteps", longSteps, ">= 0");
      require(
          shortSteps + longSteps >= 1, "shortSteps + longSteps", shortSteps + longSteps, ">= 1");
      require(shortCopies >= 1, "shortCopies", shortCopies, ">= 1");
      require(
          4 * shortCopies <= shortContext - 1,
          "shortCopies",
          shortCopies,
          "<= (shortContext - 1) / 4");
      require(longCopies >= 1, "longCopies", longCopies, ">= 1");
      require(4 * longCopies <= 2 * evalSeqLen, "longCopies", longCopies, "<= evalSeqLen / 2");
      require(batchSize >= 1, "batchSize", batchSize, ">= 1");
      require(lr > 0 && Double.isFinite(lr), "lr", lr, "positive");
      require(evalBatch >= 1, "evalBatch", evalBatch, ">= 1");
      require(evalEvery >= 1, "evalEvery", evalEvery, ">= 1");
      if (longSteps == 0 && 1 + 2 * evalSeqLen > shortContext) {
        throw new IllegalArgumentException(
            "InductionStudy.Config: with longSteps 0 the evaluation sequence (1 + 2 * evalSeqLen = "
                + (1 + 2 * evalSeqLen)
                + " tokens) must fit shortContext "
                + shortContext);
      }
    }

    /**
     * The full study: vocabulary 128, {@code d_model} 64, 2 heads per layer, 1000 steps on 32-token
     * contexts, then 1500 on 101 tokens, evaluated on {@code [BOS] + 50 + 50}.
     */
    public static Config defaults() {
      return new Config(128, 64, 2, true, 32, 1000, 6, 1500, 20, 16, 1e-3, 50, 16, 100, 0);
    }

    /**
     * A short version for demos and tests: the first phase only (1000 steps on 32 tokens),
     * evaluated on {@code [BOS] + 15 + 15}.
     */
    public static Config quick() {
      return new Config(128, 64, 2, true, 32, 1000, 6, 0, 6, 16, 1e-3, 15, 16, 100, 0);
    }

    /** The context the model is built for: the longer of the two phases' sequences. */
    public int nCtx() {
      return Math.max(shortContext, 1 + 2 * evalSeqLen);
    }

    /** A copy with another seed. */
    public Config withSeed(long s) {
      return new Config(
          vocab,
          dModel,
          nHeads,
          useLn,
          shortContext,
          shortSteps,
          shortCopies,
          longSteps,
          longCopies,
          batchSize,
          lr,
          evalSeqLen,
          evalBatch,
          evalEvery,
          s);
    }

    /** A copy with other step counts. */
    public Config withSteps(int shortS, int longS) {
      return new Config(
          vocab,
          dModel,
          nHeads,
          useLn,
          shortContext,
          shortS,
          shortCopies,
          longS,
          longCopies,
          batchSize,
          lr,
          evalSeqLen,
          evalBatch,
          evalEvery,
          seed);
    }

    private static void require(boolean ok, String field, Object value, String what) {
      if (!ok) {
        throw new IllegalArgumentException(
            "InductionStudy.Config: " + field + " must be " + what + ", got " + value);
      }
    }
  }

  /**
   * Progress at one step, on the evaluation sequences.
   *
   * @param step optimizer steps taken
   * @param context tokens per training sequence at this step
   * @param trainLoss the step's loss (nats, over planted targets)
   * @param firstHalfLoss loss on the first random copy (nats)
   * @param secondHalfLoss loss on the repeat (nats)
   * @param bestPreviousToken the highest previous-token score in layer 0
   * @param bestInduction the highest induction score in layer 1
   */
  public record Snapshot(
      int step,
      int context,
      double trainLoss,
      double firstHalfLoss,
      double secondHalfLoss,
      double bestPreviousToken,
      double bestInduction) {}

  /**
   * What the study found.
   *
   * @param config the settings
   * @param model the trained model
   * @param history snapshots every {@code evalEvery} steps and at the end
   * @param evalTokens the evaluation sequences {@code [evalBatch, 1 + 2 · evalSeqLen]}
   * @param cache patterns and residual stream of the evaluation run
   * @param previousTokenScores {@code [2, H]}
   * @param duplicateTokenScores {@code [2, H]}
   * @param inductionScores {@code [2, H]}
   * @param firstHalfLoss loss on the first copy (nats)
   * @param secondHalfLoss loss on the repeat (nats)
   * @param previousTokenHead the layer-0 head with the highest previous-token score
   * @param inductionHeads layer-1 heads scoring above {@link #INDUCTION_THRESHOLD}, best first
   * @param bestInductionHead the layer-1 head with the highest induction score
   * @param kComposition {@code [H, H]}: entry {@code [h1, h0]} is the K-composition of layer-1 head
   *     {@code h1} with layer-0 head {@code h0}
   * @param qComposition as {@code kComposition}, through queries
   * @param vComposition as {@code kComposition}, through values
   * @param compositionBaseline the score of random matrices of the same shapes
   * @param kCircuitAccuracy the token-level K-composition circuit of the best pair, {@code W_E W_Q
   *     W_Kᵀ (W_E W_V W_O)ᵀ} {@code [V, V]} with the induction head's QK and the previous-token
   *     head's OV: the fraction of query tokens whose highest-scoring previous token is the token
   *     itself (1/V by chance)
   * @param ovCopyingAccuracy the induction head's full OV circuit {@code W_E W_V W_O W_U} {@code
   *     [V, V]}: the fraction of attended tokens whose own logit is the highest (1/V by chance)
   * @param ovPositivity {@code Σ Re λ / Σ |λ|} over the eigenvalues of that OV circuit (near 1: it
   *     copies)
   * @param seconds wall time of training and evaluation
   */
  public record Result(
      Config config,
      HookedTransformer model,
      List<Snapshot> history,
      Tensor evalTokens,
      ActivationCache cache,
      Tensor previousTokenScores,
      Tensor duplicateTokenScores,
      Tensor inductionScores,
      double firstHalfLoss,
      double secondHalfLoss,
      int previousTokenHead,
      List<Integer> inductionHeads,
      int bestInductionHead,
      Tensor kComposition,
      Tensor qComposition,
      Tensor vComposition,
      double compositionBaseline,
      double kCircuitAccuracy,
      double ovCopyingAccuracy,
      double ovPositivity,
      double seconds) {
    /** The induction score of {@link #bestInductionHead}. */
    public double bestInductionScore() {
      return inductionScores.select(0, 1).toDoubleArray()[bestInductionHead];
    }

    /** The previous-token score of {@link #previousTokenHead}. */
    public double previousTokenScore() {
      return previousTokenScores.select(0, 0).toDoubleArray()[previousTokenHead];
    }

    /** K-composition of the best induction head with the previous-token head. */
    public double inductionKComposition() {
      return kComposition.select(0, bestInductionHead).toDoubleArray()[previousTokenHead];
    }

    /** A few lines for a terminal: the heads found and their scores. */
    public String summaryWithCircuits() {
      return summary()
          + String.format(
              Locale.ROOT,
              "token circuits (chance %.3f): K-composition matches the token itself for %.1f%%"
                  + " of tokens; the induction head's OV copies %.1f%% (eigenvalue positivity"
                  + " %.3f)%n",
              1.0 / config.vocab(),
              100 * kCircuitAccuracy,
              100 * ovCopyingAccuracy,
              ovPositivity);
    }

    /** The head and composition lines of {@link #summaryWithCircuits}. */
    public String summary() {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              Locale.ROOT,
              "previous-token head L0H%d (score %.3f); induction heads in layer 1: %s"
                  + " (best L1H%d, score %.3f; threshold %.1f)%n",
              previousTokenHead,
              previousTokenScore(),
              inductionHeads.isEmpty()
                  ? "none"
                  : inductionHeads.stream().map(h -> "L1H" + h).toList().toString(),
              bestInductionHead,
              bestInductionScore(),
              INDUCTION_THRESHOLD));
      s.append(
          String.format(
              Locale.ROOT,
              "in-context learning: loss %.3f on the first copy, %.3f on the repeat%n",
              firstHalfLoss,
              secondHalfLoss));
      s.append(
          String.format(
              Locale.ROOT,
              "K-composition L1H%d <- L0H%d: %.3f (random baseline %.3f, %.1fx)%n",
              bestInductionHead,
              previousTokenHead,
              inductionKComposition(),
              compositionBaseline,
              inductionKComposition() / compositionBaseline));
      return s.toString();
    }
  }

  /**
   * One training batch: tokens {@code [batch, context]} (INT64; {@code BOS = 0} first, then uniform
   * tokens from {@code [1, vocab)} with {@code copies} bigrams planted twice) and targets {@code
   * [batch, context]}: the next token where it is the second token of a planted repeat, {@code
   * -100} elsewhere.
   *
   * @throws IllegalArgumentException if {@code 4 · copies > context - 1} or a size is not positive
   */
  public static Tensor[] trainingBatch(Generator g, int batch, int context, int vocab, int copies) {
    if (batch < 1 || vocab < 2 || copies < 1 || 4 * copies > context - 1) {
      throw new IllegalArgumentException(
          "InductionStudy.trainingBatch: need batch >= 1, vocab >= 2 and 1 <= copies <= (context -"
              + " 1) / 4, got batch "
              + batch
              + ", context "
              + context
              + ", vocab "
              + vocab
              + ", copies "
              + copies);
    }
    // The sequence has context + 1 tokens: inputs are [0, context), targets [1, context].
    int n = context + 1;
    long[] ids = new long[batch * n];
    long[] inputs = new long[batch * context];
    long[] targets = new long[batch * context];
    java.util.Arrays.fill(targets, -100);
    for (int b = 0; b < batch; b++) {
      int base = b * n;
      for (int i = 1; i < n; i++) {
        ids[base + i] = 1 + g.nextLong(vocab - 1);
      }
      boolean[] used = new boolean[n];
      int planted = 0;
      int tries = 0;
      while (planted < copies) {
        if (++tries > 1_000) {
          // Fragmented: start this row's placement again (rare; earlier copies are overwritten).
          java.util.Arrays.fill(used, false);
          java.util.Arrays.fill(targets, b * context, (b + 1) * context, -100L);
          planted = 0;
          tries = 0;
        }
        // The repeat (dst, dst + 1) comes after the original (src, src + 1), neither overlapping
        // an earlier bigram; with 4 * copies <= context - 1 there is always room.
        int dst = 3 + (int) g.nextLong(n - 4);
        int src = 1 + (int) g.nextLong(dst - 2);
        if (used[src] || used[src + 1] || used[dst] || used[dst + 1]) {
          continue;
        }
        ids[base + dst] = ids[base + src];
        ids[base + dst + 1] = ids[base + src + 1];
        used[src] = used[src + 1] = used[dst] = used[dst + 1] = true;
        targets[b * context + dst] = ids[base + dst + 1];
        planted++;
      }
      System.arraycopy(ids, base, inputs, b * context, context);
    }
    return new Tensor[] {Tensor.of(inputs, batch, context), Tensor.of(targets, batch, context)};
  }

  /**
   * Trains and analyses (see the class comment).
   *
   * @param progress called with a snapshot every {@code evalEvery} steps and at the end (may be
   *     null)
   * @param run where to log metrics during training (may be null); {@link #report} adds the figures
   */
  public static Result run(Config c, Consumer<Snapshot> progress, Run run) {
    long start = System.nanoTime();
    Generator g = new Generator(c.seed());
    HookedTransformer model =
        HookedTransformer.attnOnly(2, c.nHeads(), c.dModel(), c.nCtx(), c.vocab(), c.useLn(), g);
    Optimizer opt = AdamW.builder().lr(c.lr()).weightDecay(0.0).build(model.parameters());
    Tensor eval =
        HeadDetectors.repeatedTokens(
            c.evalBatch(), c.evalSeqLen(), c.vocab(), 0, new Generator(c.seed() + 1));
    List<Snapshot> history = new ArrayList<>();
    int total = c.shortSteps() + c.longSteps();
    double loss = Double.NaN;
    for (int step = 1; step <= total; step++) {
      boolean isShort = step <= c.shortSteps();
      int context = isShort ? c.shortContext() : 1 + 2 * c.evalSeqLen();
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor[] batch =
            trainingBatch(
                g, c.batchSize(), context, c.vocab(), isShort ? c.shortCopies() : c.longCopies());
        Tensor l = F.crossEntropy(model.forward(batch[0]), batch[1]);
        opt.zeroGrad(true);
        l.backward();
        opt.step();
        loss = l.item();
      }
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException(
            "InductionStudy: the loss became " + loss + " at step " + step + "; lower lr");
      }
      if (step % c.evalEvery() == 0 || step == total) {
        Snapshot s = snapshot(model, eval, c, step, context, loss);
        history.add(s);
        if (run != null) {
          Map<String, Number> m = new LinkedHashMap<>();
          m.put("train_loss", s.trainLoss());
          m.put("first_half_loss", s.firstHalfLoss());
          m.put("second_half_loss", s.secondHalfLoss());
          m.put("best_prev_token_score_L0", s.bestPreviousToken());
          m.put("best_induction_score_L1", s.bestInduction());
          run.log(step, m);
        }
        if (progress != null) {
          progress.accept(s);
        }
      }
    }
    return analyse(c, model, history, eval, start);
  }

  private static Snapshot snapshot(
      HookedTransformer model, Tensor eval, Config c, int step, int context, double loss) {
    double[] halves = HeadDetectors.inductionLoss(model, eval, c.evalSeqLen());
    ActivationCache cache;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cache = model.runWithCache(eval, n -> n.endsWith("hook_pattern")).cache();
    }
    double prev = HeadDetectors.previousTokenScores(cache, 2).select(0, 0).max().item();
    double ind = HeadDetectors.inductionScores(cache, 2, c.evalSeqLen()).select(0, 1).max().item();
    return new Snapshot(step, context, loss, halves[0], halves[1], prev, ind);
  }

  private static Result analyse(
      Config c, HookedTransformer model, List<Snapshot> history, Tensor eval, long start) {
    ActivationCache cache;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cache = model.runWithCache(eval).cache();
    }
    int l = c.evalSeqLen();
    Tensor prev = HeadDetectors.previousTokenScores(cache, 2);
    Tensor dup = HeadDetectors.duplicateTokenScores(cache, 2, l);
    Tensor ind = HeadDetectors.inductionScores(cache, 2, l);
    double[] halves = HeadDetectors.inductionLoss(model, eval, l);
    int prevHead = argmax(prev.select(0, 0).toDoubleArray());
    double[] l1 = ind.select(0, 1).toDoubleArray();
    int bestInd = argmax(l1);
    List<Integer> heads = new ArrayList<>();
    for (int h = 0; h < l1.length; h++) {
      if (l1[h] > INDUCTION_THRESHOLD) {
        heads.add(h);
      }
    }
    heads.sort((a, b) -> Double.compare(l1[b], l1[a]));
    Tensor k = layerPair(Composition.all(model, Composition.Kind.K));
    Tensor q = layerPair(Composition.all(model, Composition.Kind.Q));
    Tensor v = layerPair(Composition.all(model, Composition.Kind.V));
    double baseline = Composition.randomBaseline(model, 200, new Generator(c.seed() + 2));
    double kAcc;
    double ovAcc;
    double positivity;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor we = model.W_E(); // [V, d]
      Tensor wq = model.W_Q().select(0, 1).select(0, bestInd); // [d, dh]
      Tensor wk = model.W_K().select(0, 1).select(0, bestInd);
      Tensor prevOv =
          model
              .W_V()
              .select(0, 0)
              .select(0, prevHead)
              .matmul(model.W_O().select(0, 0).select(0, prevHead));
      Tensor queries = we.matmul(wq); // [V, dh]
      Tensor keys = we.matmul(prevOv).matmul(wk); // [V, dh]: keys of "my previous token was b"
      kAcc = diagonalAccuracy(queries.matmul(keys.t()));
      Tensor ovA = we.matmul(model.W_V().select(0, 1).select(0, bestInd)); // [V, dh]
      Tensor ovB = model.W_O().select(0, 1).select(0, bestInd).matmul(model.W_U()); // [dh, V]
      ovAcc = diagonalAccuracy(ovA.matmul(ovB));
      positivity = new FactoredMatrix(ovA, ovB).eigenvalues().positivity().item();
    }
    return new Result(
        c,
        model,
        List.copyOf(history),
        eval,
        cache,
        prev,
        dup,
        ind,
        halves[0],
        halves[1],
        prevHead,
        List.copyOf(heads),
        bestInd,
        k,
        q,
        v,
        baseline,
        kAcc,
        ovAcc,
        positivity,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * {@code [1, H]} slice of {@code [L, H, L, H]} scores: later head (layer 1) × earlier (layer 0).
   */
  private static Tensor layerPair(Tensor all) {
    // all[l1=0, h0, l2=1, h1] -> [h1, h0]
    return all.select(0, 0).select(1, 1).transpose(0, 1).contiguous();
  }

  /**
   * Fraction of rows {@code i >= 1} (BOS excluded) of a square matrix whose maximum is at {@code
   * i}.
   */
  private static double diagonalAccuracy(Tensor m) {
    int n = (int) m.shape()[0];
    float[] v = m.contiguous().toFloatArray();
    int hits = 0;
    for (int i = 1; i < n; i++) {
      int best = 0;
      for (int j = 1; j < n; j++) {
        if (best == 0 || v[i * n + j] > v[i * n + best]) {
          best = j;
        }
      }
      hits += best == i ? 1 : 0;
    }
    return hits / (double) (n - 1);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Writes the study's figures and numbers into {@code dir}, and adds the figures and summary to
   * {@code run}'s report when it is not null:
   *
   * <ul>
   *   <li>{@code loss.png}: training loss and the two halves' losses over training;
   *   <li>{@code scores.png}: the highest previous-token (layer 0) and induction (layer 1) score
   *       over training;
   *   <li>{@code head_scores.png}: previous-token, duplicate-token and induction scores per head;
   *   <li>{@code composition.png}: K-, Q- and V-composition of layer-1 with layer-0 heads;
   *   <li>{@code patterns_layer0.png}, {@code patterns_layer1.png}: every head's pattern on the
   *       first evaluation sequence, and {@code patterns.html}, the same to explore by hovering;
   *   <li>{@code summary.json}: the scores, heads, losses and run time.
   * </ul>
   *
   * Files are written atomically.
   *
   * @throws UncheckedIOException if a file cannot be written
   */
  public static void report(Result r, Path dir, Run run) {
    try {
      Files.createDirectories(dir);
      int h = r.config().nHeads();
      List<BufferedImage> images = new ArrayList<>();
      List<String> names = new ArrayList<>();
      double[] steps = r.history().stream().mapToDouble(Snapshot::step).toArray();
      images.add(
          new LineChart()
              .title("Induction-heads study: loss")
              .xLabel("step")
              .yLabel("nats")
              .series("train (planted repeats)", steps, col(r, Snapshot::trainLoss))
              .series("eval: first copy", steps, col(r, Snapshot::firstHalfLoss))
              .series("eval: repeat", steps, col(r, Snapshot::secondHalfLoss))
              .toImage(800, 450));
      names.add("loss");
      images.add(
          new LineChart()
              .title("Head scores during training")
              .xLabel("step")
              .yLabel("score")
              .series(
                  "best previous-token score, layer 0", steps, col(r, Snapshot::bestPreviousToken))
              .series("best induction score, layer 1", steps, col(r, Snapshot::bestInduction))
              .toImage(800, 450));
      names.add("scores");
      Tensor scores =
          Tensor.cat(
              0,
              r.previousTokenScores().reshape(1, 2L * h),
              r.duplicateTokenScores().reshape(1, 2L * h),
              r.inductionScores().reshape(1, 2L * h));
      images.add(
          InterpPlots.gridImage(
              scores,
              List.of("previous token", "duplicate token", "induction"),
              InterpPlots.headLabels(2, h),
              "Head scores on [BOS] + " + r.config().evalSeqLen() + " random + repeat",
              false));
      names.add("head_scores");
      Tensor comp = Tensor.cat(0, r.kComposition(), r.qComposition(), r.vComposition());
      List<String> rows = new ArrayList<>();
      for (String kind : List.of("K", "Q", "V")) {
        for (int i = 0; i < h; i++) {
          rows.add(kind + ": L1H" + i);
        }
      }
      List<String> cols = new ArrayList<>();
      for (int i = 0; i < h; i++) {
        cols.add("L0H" + i);
      }
      images.add(
          InterpPlots.gridImage(
              comp,
              rows,
              cols,
              String.format(
                  Locale.ROOT,
                  "Composition scores (random baseline %.3f)",
                  r.compositionBaseline()),
              false));
      names.add("composition");
      List<String> tokens = new ArrayList<>();
      for (long id : r.evalTokens().select(0, 0).toLongArray()) {
        tokens.add(id == 0 ? "BOS" : Long.toString(id));
      }
      int cell = Math.max(360, Math.min(900, 9 * tokens.size()));
      for (int layer = 0; layer < 2; layer++) {
        images.add(AttentionPatterns.image(r.cache(), layer, 0, tokens, cell));
        names.add("patterns_layer" + layer);
      }
      for (int i = 0; i < images.size(); i++) {
        Plots.savePng(images.get(i), dir.resolve(names.get(i) + ".png"));
        if (run != null) {
          run.logImage(
              r.config().shortSteps() + r.config().longSteps(), names.get(i), images.get(i));
        }
      }
      for (int layer = 0; layer < 2; layer++) {
        AttentionPatterns.saveHtml(
            r.cache(), layer, 0, tokens, dir.resolve("patterns_layer" + layer + ".html"));
      }
      writeAtomically(dir.resolve("summary.json"), json(r));
      if (run != null) {
        run.summary("previous_token_head", "L0H" + r.previousTokenHead());
        run.summary("previous_token_score", r.previousTokenScore());
        run.summary("induction_heads", r.inductionHeads().stream().map(x -> "L1H" + x).toList());
        run.summary("best_induction_score", r.bestInductionScore());
        run.summary("first_half_loss", r.firstHalfLoss());
        run.summary("second_half_loss", r.secondHalfLoss());
        run.summary("k_composition", r.inductionKComposition());
        run.summary("composition_baseline", r.compositionBaseline());
        run.summary("k_circuit_accuracy", r.kCircuitAccuracy());
        run.summary("ov_copying_accuracy", r.ovCopyingAccuracy());
        run.summary("ov_eigenvalue_positivity", r.ovPositivity());
        run.summary("seconds", r.seconds());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("InductionStudy.report: cannot write into " + dir, e);
    }
  }

  private static double[] col(Result r, java.util.function.ToDoubleFunction<Snapshot> f) {
    return r.history().stream().mapToDouble(f).toArray();
  }

  private static String json(Result r) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", r.config());
    m.put("previous_token_head", r.previousTokenHead());
    m.put("previous_token_scores", rows(r.previousTokenScores()));
    m.put("duplicate_token_scores", rows(r.duplicateTokenScores()));
    m.put("induction_scores", rows(r.inductionScores()));
    m.put("induction_heads", r.inductionHeads());
    m.put("best_induction_head", r.bestInductionHead());
    m.put("first_half_loss", r.firstHalfLoss());
    m.put("second_half_loss", r.secondHalfLoss());
    m.put("k_composition", rows(r.kComposition()));
    m.put("q_composition", rows(r.qComposition()));
    m.put("v_composition", rows(r.vComposition()));
    m.put("composition_baseline", r.compositionBaseline());
    m.put("k_circuit_accuracy", r.kCircuitAccuracy());
    m.put("ov_copying_accuracy", r.ovCopyingAccuracy());
    m.put("ov_eigenvalue_positivity", r.ovPositivity());
    m.put("seconds", r.seconds());
    m.put("history", r.history());
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValueAsString(m);
  }

  private static double[][] rows(Tensor t) {
    int n = (int) t.shape()[0];
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = t.select(0, i).toDoubleArray();
    }
    return out;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
