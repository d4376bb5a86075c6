package dev.residual.examples.demo;

import dev.residual.examples.mnist.MnistTrain;
import dev.residual.nn.functional.F;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code residual demo} command. By default ({@code --task gpt}) it trains a tiny GPT-2 on
 * generated two-digit addition ({@link AdditionGptDemo}); {@code --task mnist} trains the MNIST MLP
 * when {@code ../shared/data/mnist-10k} is present, and {@code --task spirals} (or {@code
 * --spirals}) the synthetic demo this class implements itself: a small MLP ({@code 2 -> 32 -> 32 ->
 * 2}, tanh) learns to tell apart two interleaved spirals, trained with Residual's autograd and
 * plain full-batch gradient descent written out by hand.
 *
 * <p>Everything random (the data and the initial weights) comes from one seeded {@link Generator},
 * so a seed always gives the same run on the same machine. Run it through the launcher ({@code
 * ./residual demo --steps 2000}) or directly through {@link #main(String[])}.
 *
 * <p>The command logs its training to a local run ({@code runs/residual-demo/<id>/}, with an
 * offline {@code index.html} report; see {@link dev.residual.track.Runs}), and to Weights & Biases
 * when {@code WANDB_API_KEY} is set; {@code --no-track} turns tracking off.
 */
@Command(
    name = "demo",
    description = {
      "Train a tiny GPT-2 on generated two-digit addition and evaluate it with the evals module,"
          + " find the induction heads of a 2-layer attention-only transformer, and train DQN on"
          + " CartPole with a GIF of the agent (the default, about two minutes), or only one of"
          + " them (--task gpt, evals, induction, dqn), the"
          + " MNIST MLP (--task mnist), or a small MLP on two interleaved spirals (--task spirals)"
          + " with Residual's autograd.",
      "Without --task, giving --steps or --lr selects the spirals demo, as before."
    },
    sortOptions = false)
public final class MlpDemo implements Callable<Integer> {

  /**
   * Settings of one training run.
   *
   * @param steps full-batch gradient-descent steps, at least 1
   * @param seed seed of the generator that draws the data and the initial weights
   * @param lr learning rate of the SGD update, positive
   * @param pointsPerClass points drawn on each spiral, at least 1
   * @param hidden width of both hidden layers, at least 1
   */
  public record Config(int steps, long seed, double lr, int pointsPerClass, int hidden) {
    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a count is below 1 or {@code lr} is not positive and
     *     finite
     */
    public Config {
      if (steps < 1) {
        throw new IllegalArgumentException("demo: --steps must be at least 1, got " + steps);
      }
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("demo: --lr must be positive and finite, got " + lr);
      }
      if (pointsPerClass < 1 || hidden < 1) {
        throw new IllegalArgumentException(
            "demo: pointsPerClass and hidden must be at least 1, got "
                + pointsPerClass
                + " and "
                + hidden);
      }
    }

    /** The settings {@code residual demo} uses when given no options. */
    public static Config defaults() {
      return new Config(DEFAULT_STEPS, DEFAULT_SEED, DEFAULT_LR, 200, 32);
    }
  }

  /**
   * What a run achieved.
   *
   * @param initialLoss cross-entropy of the untrained model, in nats
   * @param finalLoss cross-entropy at the last step, in nats
   * @param accuracy fraction of points classified correctly after the last update, in [0, 1]
   * @param seconds wall-clock training time
   */
  public record Result(double initialLoss, double finalLoss, double accuracy, double seconds) {}

  static final int DEFAULT_STEPS = 1000;
  static final long DEFAULT_SEED = 0;
  static final double DEFAULT_LR = 0.5;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_STEPS,
      description = "Training steps (default: ${DEFAULT-VALUE} for spirals, 1500 for gpt)")
  private int steps;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "" + DEFAULT_SEED,
      description = "Seed for the data and the initial weights (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      defaultValue = "" + DEFAULT_LR,
      description = "Learning rate (default: ${DEFAULT-VALUE} for spirals, 0.003 for gpt)")
  private double lr;

  /**
   * Which demo {@code residual demo} runs; the constants are spelled as typed on the command line.
   */
  public enum Task {
    /** A tiny GPT-2 learns two-digit addition ({@link AdditionGptDemo}). */
    gpt,
    /** The MNIST MLP, for three epochs (needs {@code ../shared/data/mnist-10k}). */
    mnist,
    /** The spirals MLP of this class. */
    spirals,
    /** The short induction-heads study ({@code residual interp induction --quick}). */
    induction,
    /** A short DQN run on CartPole-v1 with a GIF of the agent ({@code residual rl dqn}). */
    dqn,
    /** The addition task evaluated on a scripted calculator ({@code residual evals}). */
    evals
  }

  @Option(
      names = "--task",
      paramLabel = "TASK",
      description =
          "gpt (tiny GPT-2 on two-digit addition), evals (the addition eval on a scripted model),"
              + " induction (the short induction-heads study), dqn (a short DQN run on CartPole),"
              + " mnist or spirals (default: gpt with its eval, induction and dqn; spirals when"
              + " --steps or --lr is given without --task)")
  private Task task;

  @Option(names = "--spirals", description = "Same as --task spirals.")
  private boolean spirals;

  @Option(
      names = "--no-progress",
      description = "Do not draw the progress bar (drawn only on a terminal anyway).")
  private boolean noProgress;

  @Option(
      names = "--runs-dir",
      paramLabel = "DIR",
      defaultValue = "runs",
      description = "Root of the local run directories (default: ${DEFAULT-VALUE})")
  private Path runsDir;

  @Option(names = "--no-track", description = "Do not record the run (no runs/ directory).")
  private boolean noTrack;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  private boolean help;

  @Spec private CommandSpec spec;

  /** Runs the demo with the parsed options; returns the exit code. */
  @Override
  public Integer call() {
    Config defaults = Config.defaults();
    Config config;
    try {
      config = new Config(steps, seed, lr, defaults.pointsPerClass(), defaults.hidden());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintStream out = System.out;
    var parsed = spec.commandLine().getParseResult();
    boolean tuned = parsed.hasMatchedOption("--steps") || parsed.hasMatchedOption("--lr");
    if (spirals && task != null && task != Task.spirals) {
      throw new ParameterException(
          spec.commandLine(), "demo: --spirals contradicts --task " + task);
    }
    Task chosen = task != null ? task : spirals || tuned ? Task.spirals : Task.gpt;
    if (chosen == Task.gpt) {
      AdditionGptDemo.Config d = AdditionGptDemo.Config.defaults();
      AdditionGptDemo.Config gpt;
      try {
        gpt =
            new AdditionGptDemo.Config(
                parsed.hasMatchedOption("--steps") ? steps : d.steps(),
                seed,
                parsed.hasMatchedOption("--lr") ? lr : d.lr(),
                d.batchSize(),
                d.nLayer(),
                d.nHead(),
                d.nEmbd(),
                d.heldOutFraction(),
                d.evalProblems());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      AdditionGptDemo.Result trained = AdditionGptDemo.run(gpt, out, noTrack ? null : runsDir);
      if (task == null) {
        // The evals module scores the model just trained, beside a scripted calculator.
        out.println();
        evalsDemo(out, trained);
        // The default demo also shows the interp and rl modules: the short induction-heads
        // study, then a short DQN run on CartPole.
        out.println();
        inductionDemo(out);
        out.println();
        dqnDemo();
        out.println();
        return diffusionDemo(out);
      }
      return 0;
    }
    if (chosen == Task.induction) {
      return inductionDemo(out);
    }
    if (chosen == Task.dqn) {
      return dqnDemo();
    }
    if (chosen == Task.evals) {
      evalsDemo(out, null);
      return 0;
    }
    if (chosen == Task.mnist) {
      Path mnist = MnistTrain.findData();
      if (mnist == null) {
        System.err.println(
            "demo: --task mnist needs ../shared/data/mnist-10k; try --task gpt or --task spirals");
        return 1;
      }
      out.println(
          "MNIST found at "
              + mnist
              + ": training the 784-256-10 MLP for 3 epochs (`residual mnist --help` for more)");
      try {
        MnistTrain.train(mnist, MnistTrain.Model.MLP, 3, out, noTrack ? null : runsDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "Training a %d -> %d -> %d -> %d MLP on %d spiral points: %d steps, lr %s, seed %d%n",
        2,
        config.hidden(),
        config.hidden(),
        2,
        2 * config.pointsPerClass(),
        config.steps(),
        config.lr(),
        config.seed());
    // The demo prints its own lines and bar, so the run's console sink stays off.
    Run run =
        noTrack
            ? null
            : Runs.start(
                RunOptions.builder()
                    .project("residual-demo")
                    .rootDir(runsDir)
                    .console(false)
                    .totalSteps(config.steps())
                    .tags("spirals", "mlp")
                    .build());
    Result result;
    try {
      // A progress bar redraws its line with carriage returns, which only a terminal understands.
      result = train(config, out, !noProgress && System.console() != null, run);
    } catch (RuntimeException | Error e) {
      if (run != null) {
        run.finish(1);
      }
      throw e;
    }
    out.printf(
        Locale.ROOT,
        "Done in %.1f s: loss %.4f -> %.4f, accuracy %.1f%%%n",
        result.seconds(),
        result.initialLoss(),
        result.finalLoss(),
        100 * result.accuracy());
    if (run != null) {
      run.finish(0);
      out.println("Report: " + run.dir().resolve("index.html").toAbsolutePath());
    }
    return 0;
  }

  private void evalsDemo(PrintStream out, AdditionGptDemo.Result trained) {
    Path logs = noTrack ? Path.of("evals-demo") : runsDir.resolve("residual-evals");
    dev.residual.examples.evals.EvalsDemo.run(
        trained == null ? null : trained.model(),
        trained == null ? null : trained.heldOut(),
        logs,
        out);
  }

  private int diffusionDemo(PrintStream out) {
    return dev.residual.examples.diffusion.DiffusionCommand.run(
        dev.residual.diffusion.ToyExperiment.Config.quick(),
        out,
        noTrack ? null : runsDir,
        noTrack ? Path.of("diffusion-demo") : null);
  }

  private int dqnDemo() {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "rl",
                "dqn",
                "--total-timesteps",
                "30000",
                "--learning-starts",
                "1000",
                "--seed",
                Long.toString(seed)));
    if (noTrack) {
      args.addAll(java.util.List.of("--no-track", "--out", "dqn-demo"));
    } else {
      args.addAll(java.util.List.of("--runs-dir", runsDir.toString()));
    }
    return dev.residual.examples.cli.ResidualCli.execute(args.toArray(new String[0]));
  }

  private int inductionDemo(PrintStream out) {
    java.io.PrintWriter w = new java.io.PrintWriter(out, true);
    return dev.residual.examples.interp.InterpCommand.run(
        dev.residual.interp.InductionStudy.Config.quick().withSeed(seed),
        w,
        noTrack ? null : runsDir,
        null);
  }

  /**
   * Trains the MLP and prints a line with step, loss and accuracy ten times along the way (and a
   * progress bar on {@code out} when {@code progressBar}).
   *
   * @param config the run's settings
   * @param out where the log lines (and the bar) go
   * @param progressBar whether to draw a progress bar; pass true only when {@code out} is a
   *     terminal
   * @return the losses and accuracy reached
   */
  public static Result train(Config config, PrintStream out, boolean progressBar) {
    return train(config, out, progressBar, null);
  }

  /**
   * Trains as {@link #train(Config, PrintStream, boolean)} and records the run in {@code run}
   * (unless null): the configuration, {@code loss} and {@code lr} every step, {@code accuracy} ten
   * times along the way, the decision boundary as an image at the end, and the final loss and
   * accuracy as its summary. The caller finishes the run.
   */
  public static Result train(Config config, PrintStream out, boolean progressBar, Run run) {
    if (run != null) {
      run.config(config);
    }
    long start = System.nanoTime();
    Generator generator = new Generator(config.seed());
    Tensor[] data = twoSpirals(generator, config.pointsPerClass());
    Tensor x = data[0];
    Tensor y = data[1];

    int h = config.hidden();
    Tensor w1 = linearWeight(generator, h, 2);
    Tensor b1 = linearBias(generator, h, 2);
    Tensor w2 = linearWeight(generator, h, h);
    Tensor b2 = linearBias(generator, h, h);
    Tensor w3 = linearWeight(generator, 2, h);
    Tensor b3 = linearBias(generator, 2, h);
    List<Tensor> parameters = List.of(w1, b1, w2, b2, w3, b3);

    int logEvery = Math.max(1, config.steps() / 10);
    double initialLoss = Double.NaN;
    double loss = Double.NaN;
    ProgressBar bar = progressBar ? progressBar(out, config.steps()) : null;
    try {
      for (int step = 1; step <= config.steps(); step++) {
        Tensor hidden1 = F.linear(x, w1, b1).tanh();
        Tensor hidden2 = F.linear(hidden1, w2, b2).tanh();
        Tensor logits = F.linear(hidden2, w3, b3);
        Tensor lossTensor = F.crossEntropy(logits, y);
        loss = lossTensor.item();
        if (step == 1) {
          initialLoss = loss;
        }
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("lr", config.lr());
        if (step % logEvery == 0 || step == 1) {
          double acc = accuracy(logits, y);
          metrics.put("accuracy", acc);
          String line =
              String.format(
                  Locale.ROOT, "step %5d  loss %.4f  accuracy %5.1f%%", step, loss, 100 * acc);
          if (bar != null) {
            // Clear the bar's line first; the bar redraws itself below the new line.
            out.print("\r\033[K" + line + System.lineSeparator());
          } else {
            out.println(line);
          }
        }
        if (run != null) {
          run.log(step, metrics);
        }

        lossTensor.backward();
        try (var noGrad = Tensor.noGrad()) {
          for (Tensor p : parameters) {
            p.subi(p.grad().mul(config.lr()));
          }
        }
        for (Tensor p : parameters) {
          p.zeroGrad();
        }

        if (bar != null) {
          bar.step();
          bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
    }

    double finalAccuracy;
    try (var noGrad = Tensor.noGrad()) {
      Tensor logits = F.linear(F.linear(F.linear(x, w1, b1).tanh(), w2, b2).tanh(), w3, b3);
      finalAccuracy = accuracy(logits, y);
      if (run != null) {
        java.util.function.UnaryOperator<Tensor> model =
            p -> F.linear(F.linear(F.linear(p, w1, b1).tanh(), w2, b2).tanh(), w3, b3);
        run.logImage(config.steps(), "decision_boundary", decisionBoundary(x, y, model));
        run.summary("initial_loss", initialLoss);
        run.summary("final_loss", loss);
        run.summary("final_accuracy", finalAccuracy);
      }
    }
    return new Result(initialLoss, loss, finalAccuracy, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Two interleaved spirals, one turn each, with a little Gaussian noise.
   *
   * @return {@code {x, y}}: points {@code [2n, 2]} (FLOAT32, within about [-1, 1]) and labels
   *     {@code [2n]} (INT64, 0 or 1)
   */
  static Tensor[] twoSpirals(Generator generator, int n) {
    float[] points = new float[4 * n];
    long[] labels = new long[2 * n];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < n; i++) {
        int row = c * n + i;
        // Start a little away from the centre, where the two arms would otherwise overlap.
        double t = 0.15 + 0.85 * i / Math.max(1, n - 1);
        double angle = 2 * Math.PI * t + Math.PI * c;
        points[2 * row] = (float) (t * Math.cos(angle) + 0.02 * generator.nextGaussian());
        points[2 * row + 1] = (float) (t * Math.sin(angle) + 0.02 * generator.nextGaussian());
        labels[row] = c;
      }
    }
    return new Tensor[] {Tensor.of(points, 2L * n, 2), Tensor.of(labels, 2L * n)};
  }

  /**
   * The plane {@code [-1.2, 1.2]²} coloured by the model's prediction (blue for class 0, orange for
   * class 1, paler where it is unsure), with the training points drawn on top.
   */
  private static BufferedImage decisionBoundary(
      Tensor x, Tensor y, java.util.function.UnaryOperator<Tensor> model) {
    int size = 160;
    float[] grid = new float[2 * size * size];
    for (int r = 0; r < size; r++) {
      for (int c = 0; c < size; c++) {
        grid[2 * (r * size + c)] = (float) (-1.2 + 2.4 * c / (size - 1));
        grid[2 * (r * size + c) + 1] = (float) (1.2 - 2.4 * r / (size - 1));
      }
    }
    float[] p1 =
        F.softmax(model.apply(Tensor.of(grid, (long) size * size, 2)), 1)
            .select(1, 1)
            .contiguous()
            .toFloatArray();
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int[] blue = {31, 119, 180};
    int[] orange = {255, 127, 14};
    for (int k = 0; k < p1.length; k++) {
      double t = p1[k];
      int[] rgb = new int[3];
      for (int ch = 0; ch < 3; ch++) {
        // Blend toward white as the probability nears 1/2.
        double base = t >= 0.5 ? orange[ch] : blue[ch];
        double sure = Math.abs(2 * t - 1);
        rgb[ch] = (int) Math.round(255 - (255 - base) * (0.25 + 0.5 * sure));
      }
      img.setRGB(k % size, k / size, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
    }
    float[] pts = x.toFloatArray();
    long[] labels = y.toLongArray();
    for (int i = 0; i < labels.length; i++) {
      int c = (int) Math.round((pts[2 * i] + 1.2) / 2.4 * (size - 1));
      int r = (int) Math.round((1.2 - pts[2 * i + 1]) / 2.4 * (size - 1));
      int colour = labels[i] == 0 ? 0x1f4e79 : 0xb35900;
      for (int dr = -1; dr <= 1; dr++) {
        for (int dc = -1; dc <= 1; dc++) {
          if (r + dr >= 0 && r + dr < size && c + dc >= 0 && c + dc < size) {
            img.setRGB(c + dc, r + dr, colour);
          }
        }
      }
    }
    return img;
  }

  /** A weight {@code [out, in]} drawn as PyTorch's {@code nn.Linear} does: U(±1/√in). */
  private static Tensor linearWeight(Generator generator, int out, int in) {
    return uniform(generator, 1 / Math.sqrt(in), out, in);
  }

  /** A bias {@code [out]} drawn as PyTorch's {@code nn.Linear} does: U(±1/√in). */
  private static Tensor linearBias(Generator generator, int out, int in) {
    return uniform(generator, 1 / Math.sqrt(in), out);
  }

  private static Tensor uniform(Generator generator, double bound, long... shape) {
    // rand(...) is a leaf that needs no grad, so the arithmetic is not recorded and the result
    // is again a leaf, which may then require grad.
    return Tensor.rand(generator, shape).mul(2 * bound).sub(bound).requiresGrad(true);
  }

  /** Fraction of rows of {@code logits [N, 2]} whose larger logit is the label's. */
  private static double accuracy(Tensor logits, Tensor labels) {
    try (var noGrad = Tensor.noGrad()) {
      // Two classes: the model predicts class 1 exactly when its logit is the larger.
      Tensor predicted = logits.select(1, 1).gt(logits.select(1, 0)).to(DType.INT64);
      return predicted.eq(labels).sum().item() / labels.numel();
    }
  }

  private static ProgressBar progressBar(PrintStream out, int steps) {
    return new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(steps)
        .setUnit(" steps", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(100)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .build();
  }

  /**
   * Runs the demo as its own program, with the same options as {@code residual demo}.
   *
   * @param args command-line options ({@code --steps}, {@code --seed}, {@code --lr}, …)
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new MlpDemo()).execute(args));
  }
}
