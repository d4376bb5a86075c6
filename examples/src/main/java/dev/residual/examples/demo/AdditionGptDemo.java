package dev.residual.examples.demo;

import dev.residual.optim.AdamW;
import dev.residual.optim.ParamGroup;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The default {@code residual demo}: a tiny GPT-2 learns two-digit addition from generated strings
 * such as {@code "37+45=82\n"}, and is scored by exact-match accuracy on sums it never saw.
 *
 * <p>The task needs no data on disk. Operands run from 10 to 99, so every prompt {@code "ab+cd="}
 * has six characters and the answer (two or three digits) is followed by a newline. The vocabulary
 * is the 13 characters {@code 0-9 + = \n}. The loss is on the answer only: targets of the prompt
 * positions are the ignore index −1, so the model is not asked to predict random operands, and
 * positions after the newline (padding) are ignored too.
 *
 * <p>The held-out set is chosen per unordered pair: when {@code a+b} is held out so is {@code b+a},
 * so a correct held-out answer cannot come from having memorised the commuted problem. Accuracy is
 * measured by greedy decoding after {@code "a+b="} and counts an answer only when every digit and
 * the closing newline are right.
 *
 * <p>Training is AdamW with a short linear warmup and cosine decay to a tenth of the peak rate;
 * every step runs inside its own {@link MemoryScope}. Everything random (the split, the batches,
 * the initial weights) comes from one seeded {@link Generator}.
 */
public final class AdditionGptDemo {

  /** The characters of the task, in token-id order. */
  static final String VOCAB = "0123456789+=\n";

  /** Characters in every prompt {@code "ab+cd="}. */
  static final int PROMPT = 6;

  /** Longest answer: three digits and the newline. */
  static final int MAX_ANSWER = 4;

  /** Tokens fed to the model per example: the prompt and the answer but its last character. */
  static final int SEQ = PROMPT + MAX_ANSWER - 1;

  private static final int NEWLINE = VOCAB.indexOf('\n');
  private static final int LOW = 10;
  private static final int HIGH = 99;

  /**
   * Settings of one run.
   *
   * @param steps optimizer steps, at least 1
   * @param seed seed of the generator that draws the split, the batches and the initial weights
   * @param lr peak AdamW learning rate, positive and finite
   * @param batchSize problems per step, at least 1
   * @param nLayer transformer blocks
   * @param nHead attention heads per block (must divide {@code nEmbd})
   * @param nEmbd model width
   * @param heldOutFraction fraction of unordered operand pairs kept out of training, in (0, 1)
   * @param evalProblems held-out problems scored by exact match, at least 1
   */
  public record Config(
      int steps,
      long seed,
      double lr,
      int batchSize,
      int nLayer,
      int nHead,
      int nEmbd,
      double heldOutFraction,
      int evalProblems) {
    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a count is below 1, {@code lr} is not positive and
     *     finite, or {@code heldOutFraction} is outside (0, 1)
     */
    public Config {
      if (steps < 1) {
        throw new IllegalArgumentException("demo: --steps must be at least 1, got " + steps);
      }
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("demo: --lr must be positive and finite, got " + lr);
      }
      if (batchSize < 1 || nLayer < 1 || nHead < 1 || nEmbd < 1 || evalProblems < 1) {
        throw new IllegalArgumentException(
            "demo: batchSize, nLayer, nHead, nEmbd and evalProblems must be at least 1, got "
                + List.of(batchSize, nLayer, nHead, nEmbd, evalProblems));
      }
      if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
        throw new IllegalArgumentException(
            "demo: heldOutFraction must be in (0, 1), got " + heldOutFraction);
      }
    }

    /**
     * The settings {@code residual demo} uses when given no options (about a minute on 2 cores).
     */
    public static Config defaults() {
      return new Config(DEFAULT_STEPS, 0, DEFAULT_LR, 64, 2, 4, 64, 0.1, 200);
    }

    /** The model these settings describe. */
    GPT2Config model() {
      return GPT2Config.of(nLayer, nHead, nEmbd, SEQ, VOCAB.length());
    }
  }

  /**
   * What a run achieved.
   *
   * @param initialLoss answer-token cross-entropy at the first step, in nats
   * @param finalLoss cross-entropy at the last step, in nats
   * @param accuracy exact-match accuracy on the scored held-out problems, in [0, 1]
   * @param seconds wall-clock time of training and scoring
   * @param samples a few held-out problems with the model's answers, e.g. {@code "37+45=82 ✓"}
   * @param model the trained model (for evaluations of it, e.g. the evals demo)
   * @param heldOut the held-out problems {@code a * 100 + b} that were scored
   */
  public record Result(
      double initialLoss,
      double finalLoss,
      double accuracy,
      double seconds,
      List<String> samples,
      GPT2 model,
      int[] heldOut) {}

  static final int DEFAULT_STEPS = 1500;
  static final double DEFAULT_LR = 3e-3;

  private AdditionGptDemo() {}

  /**
   * Runs the demo as {@code residual demo} does: prints the plan, trains, prints the result and,
   * unless {@code runsDir} is null, records the run under {@code runsDir/residual-demo/}.
   *
   * @return the result of the run
   */
  static Result run(Config config, PrintStream out, Path runsDir) {
    out.printf(
        Locale.ROOT,
        "Training a %d-layer, %d-head, %d-wide GPT-2 (%,d parameters) on two-digit addition:"
            + " %d steps of %d problems, lr %s, seed %d%n",
        config.nLayer(),
        config.nHead(),
        config.nEmbd(),
        GPT2.countParameters(config.model()),
        config.steps(),
        config.batchSize(),
        config.lr(),
        config.seed());
    Run run =
        runsDir == null
            ? null
            : Runs.start(
                RunOptions.builder()
                    .project("residual-demo")
                    .rootDir(runsDir)
                    .console(false)
                    .totalSteps(config.steps())
                    .tags("addition", "gpt")
                    .build());
    Result result;
    try {
      result = train(config, out, run);
    } catch (RuntimeException | Error e) {
      if (run != null) {
        run.finish(1);
      }
      throw e;
    }
    out.println("Held-out samples:");
    for (String sample : result.samples()) {
      out.println("  " + sample);
    }
    out.printf(
        Locale.ROOT,
        "Done in %.1f s: loss %.4f -> %.4f, exact-match accuracy on %d held-out sums %.1f%%%n",
        result.seconds(),
        result.initialLoss(),
        result.finalLoss(),
        config.evalProblems(),
        100 * result.accuracy());
    if (run != null) {
      run.finish(0);
      out.println("Report: " + run.dir().resolve("index.html").toAbsolutePath());
    }
    return result;
  }

  /**
   * Trains the model, printing step, loss and held-out accuracy ten times along the way, and
   * records the run in {@code run} (unless null): the configuration, {@code loss} and {@code lr}
   * every step, {@code heldout_accuracy} ten times, and the final figures as its summary. The
   * caller finishes the run.
   *
   * @return losses, accuracy, time and a few samples
   */
  public static Result train(Config config, PrintStream out, Run run) {
    if (run != null) {
      run.config(config);
    }
    long start = System.nanoTime();
    Generator generator = new Generator(config.seed());
    int[][] split = split(generator, config.heldOutFraction());
    int[] train = split[0];
    int[] heldOut = split[1];
    int[] scored = Arrays.copyOf(heldOut, Math.min(config.evalProblems(), heldOut.length));

    GPT2 model = new GPT2(config.model(), generator);
    AdamW optimizer =
        AdamW.builder()
            .lr(config.lr())
            .betas(0.9, 0.99)
            .weightDecay(0.01)
            .build(model.parameters());
    ParamGroup group = optimizer.paramGroups().get(0);

    int logEvery = Math.max(1, config.steps() / 10);
    double initialLoss = Double.NaN;
    double loss = Double.NaN;
    double accuracy = Double.NaN;
    int b = config.batchSize();
    long[] x = new long[b * SEQ];
    long[] y = new long[b * SEQ];
    for (int step = 1; step <= config.steps(); step++) {
      double lr = learningRate(config, step);
      group.setLr(lr);
      for (int i = 0; i < b; i++) {
        int problem = train[(int) (generator.nextDouble() * train.length)];
        encode(problem, x, y, i * SEQ);
      }
      model.train();
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor lossTensor = model.forward(Tensor.of(x, b, SEQ), Tensor.of(y, b, SEQ)).loss();
        loss = lossTensor.item();
        optimizer.zeroGrad();
        lossTensor.backward();
        optimizer.step();
      }
      if (step == 1) {
        initialLoss = loss;
      }
      Map<String, Number> metrics = new LinkedHashMap<>();
      metrics.put("loss", loss);
      metrics.put("lr", lr);
      if (step % logEvery == 0 || step == 1 || step == config.steps()) {
        accuracy = exactMatch(model, scored, null);
        metrics.put("heldout_accuracy", accuracy);
        out.printf(
            Locale.ROOT,
            "step %5d  loss %.4f  held-out exact match %5.1f%%%n",
            step,
            loss,
            100 * accuracy);
      }
      if (run != null) {
        run.log(step, metrics);
      }
    }
    List<String> samples = new ArrayList<>();
    int[] shown = Arrays.copyOf(scored, Math.min(6, scored.length));
    exactMatch(model, shown, samples);
    if (run != null) {
      run.summary("initial_loss", initialLoss);
      run.summary("final_loss", loss);
      run.summary("heldout_accuracy", accuracy);
    }
    return new Result(
        initialLoss,
        loss,
        accuracy,
        (System.nanoTime() - start) / 1e9,
        List.copyOf(samples),
        model,
        scored.clone());
  }

  /** Linear warmup over the first 5% of steps, then cosine decay to a tenth of the peak. */
  static double learningRate(Config config, int step) {
    int warmup = Math.max(1, config.steps() / 20);
    if (step <= warmup) {
      return config.lr() * step / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, config.steps() - warmup);
    double min = config.lr() / 10;
    return min + 0.5 * (config.lr() - min) * (1 + Math.cos(Math.PI * progress));
  }

  /**
   * All problems {@code a+b} with operands in [10, 99], split by unordered pair: {@code a+b} and
   * {@code b+a} always land on the same side. Problems are numbered {@code 100 a + b}.
   *
   * @return {@code {train, heldOut}}, each shuffled
   */
  static int[][] split(Generator generator, double heldOutFraction) {
    List<Integer> train = new ArrayList<>();
    List<Integer> heldOut = new ArrayList<>();
    for (int a = LOW; a <= HIGH; a++) {
      for (int c = a; c <= HIGH; c++) {
        List<Integer> side = generator.nextDouble() < heldOutFraction ? heldOut : train;
        side.add(100 * a + c);
        if (c != a) {
          side.add(100 * c + a);
        }
      }
    }
    return new int[][] {shuffled(generator, train), shuffled(generator, heldOut)};
  }

  private static int[] shuffled(Generator generator, List<Integer> list) {
    int[] a = list.stream().mapToInt(Integer::intValue).toArray();
    for (int i = a.length - 1; i > 0; i--) {
      int j = (int) (generator.nextDouble() * (i + 1));
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The full text of problem {@code 100 a + b}: {@code "a+b=sum\n"}. */
  static String text(int problem) {
    int a = problem / 100;
    int b = problem % 100;
    return a + "+" + b + "=" + (a + b) + "\n";
  }

  /**
   * Writes one example at {@code off}: inputs are the text's first {@link #SEQ} tokens (padded with
   * newlines), targets the next token at answer positions and −1 elsewhere.
   */
  static void encode(int problem, long[] x, long[] y, int off) {
    String s = text(problem);
    for (int t = 0; t < SEQ; t++) {
      x[off + t] = t < s.length() ? VOCAB.indexOf(s.charAt(t)) : NEWLINE;
      // Position t predicts character t + 1; only answer characters (index >= PROMPT) are scored.
      y[off + t] = t + 1 >= PROMPT && t + 1 < s.length() ? VOCAB.indexOf(s.charAt(t + 1)) : -1;
    }
  }

  /**
   * Greedy-decodes the answer to each problem after its prompt and returns the fraction answered
   * exactly (every digit and the closing newline). When {@code samples} is not null, appends one
   * line per problem such as {@code "37+45=82 ✓"} or {@code "37+45=83 ✗ (82)"}.
   */
  static double exactMatch(GPT2 model, int[] problems, List<String> samples) {
    int n = problems.length;
    long[] idx = new long[n * SEQ];
    for (int i = 0; i < n; i++) {
      String s = text(problems[i]);
      for (int t = 0; t < PROMPT; t++) {
        idx[i * SEQ + t] = VOCAB.indexOf(s.charAt(t));
      }
    }
    model.eval();
    try (MemoryScope scope = MemoryScope.open();
        var noGrad = Tensor.noGrad()) {
      // Positions past the current one do not affect its logits (causal attention), so the whole
      // padded row is fed each time and only the logits at the last filled position are read.
      for (int k = 0; k < MAX_ANSWER - 1; k++) {
        int pos = PROMPT - 1 + k;
        Tensor logits = model.forward(Tensor.of(idx, n, SEQ)).select(1, pos);
        long[] next = logits.argmax(-1, false).toLongArray();
        for (int i = 0; i < n; i++) {
          idx[i * SEQ + pos + 1] = next[i];
        }
      }
      // The last answer character sits one past the input window; read it from the final logits.
      Tensor logits = model.forward(Tensor.of(idx, n, SEQ)).select(1, SEQ - 1);
      long[] last = logits.argmax(-1, false).toLongArray();
      int correct = 0;
      for (int i = 0; i < n; i++) {
        StringBuilder answer = new StringBuilder();
        for (int t = PROMPT; t < SEQ; t++) {
          answer.append(VOCAB.charAt((int) idx[i * SEQ + t]));
        }
        answer.append(VOCAB.charAt((int) last[i]));
        String expected = text(problems[i]).substring(PROMPT);
        int end = answer.indexOf("\n");
        String got = end < 0 ? answer.toString() : answer.substring(0, end + 1);
        boolean ok = got.equals(expected);
        if (ok) {
          correct++;
        }
        if (samples != null) {
          String prompt = text(problems[i]).substring(0, PROMPT);
          String shown = got.strip().replace("\n", "");
          samples.add(prompt + shown + (ok ? " ✓" : " ✗ (" + expected.strip() + ")"));
        }
      }
      return (double) correct / n;
    } finally {
      model.train();
    }
  }
}
