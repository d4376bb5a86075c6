package dev.residual.examples.mnist;

import dev.residual.data.DataLoader;
import dev.residual.data.Mnist;
import dev.residual.data.TensorDataset;
import dev.residual.nn.Conv2d;
import dev.residual.nn.Flatten;
import dev.residual.nn.Linear;
import dev.residual.nn.MaxPool2d;
import dev.residual.nn.ReLU;
import dev.residual.nn.Sequential;
import dev.residual.nn.functional.F;
import dev.residual.optim.Adam;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code residual mnist} command: trains an MLP ({@code 784 -> 256 -> 10}, ReLU) or a small CNN
 * ({@code conv3x3(1->16) -> ReLU -> maxpool2 -> conv3x3(16->32) -> ReLU -> maxpool2 -> linear(1568
 * -> 10)}) with Adam on MNIST IDX files and reports test accuracy and seconds per epoch.
 *
 * <p>Each step runs in a {@link MemoryScope} and gradients are zeroed in place, so memory stays
 * flat however long it trains ({@code --steps} with {@code --report-memory} shows it).
 *
 * <p>From the command line it records the run under {@code runs/mnist/<id>/} (loss and learning
 * rate every 10 steps, mean loss per epoch, test accuracy as the summary, an offline {@code
 * index.html} report), and to Weights & Biases when {@code WANDB_API_KEY} is set; {@code
 * --no-track} turns that off. Built programmatically ({@code new MnistTrain()}), it records nothing
 * unless {@link #runsDir} is set.
 */
@Command(
    name = "mnist",
    mixinStandardHelpOptions = true,
    description = "Train an MLP or a small CNN on MNIST IDX files and report test accuracy.")
public final class MnistTrain implements Callable<Integer> {
  /** Which network to train. */
  public enum Model {
    /** {@code 784 -> 256 -> 10} with ReLU. */
    MLP,
    /** Two 3x3 convolutions with 2x2 max pooling, then a linear classifier. */
    CNN
  }

  @Option(
      names = "--data",
      description = "Folder with train-/t10k- images and labels (IDX, optionally .gz).")
  Path data;

  @Option(names = "--model", description = "mlp or cnn (default: ${DEFAULT-VALUE}).")
  Model model = Model.MLP;

  @Option(names = "--epochs", description = "Epochs (default: 20 for the MLP, 8 for the CNN).")
  Integer epochs;

  @Option(names = "--steps", description = "Train this many steps instead of whole epochs.")
  Integer steps;

  @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize = 64;

  @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr = 1e-3;

  @Option(names = "--seed", description = "Seed for initialisation and shuffling.")
  long seed = 0;

  @Option(names = "--report-memory", description = "Print resident memory while training.")
  boolean reportMemory;

  /** Root of the local run directories; null records nothing. */
  @Option(
      names = "--runs-dir",
      defaultValue = "runs",
      description = "Root of the local run directories (default: ${DEFAULT-VALUE}).")
  Path runsDir;

  @Option(names = "--no-track", description = "Do not record the run (no runs/ directory).")
  boolean noTrack;

  /** The result of a run. */
  public record Result(double testAccuracy, double secondsPerEpoch, int steps, double lastLoss) {}

  /** Builds the network for {@code model}, initialised from {@code g}. */
  public static Sequential build(Model model, Generator g) {
    return switch (model) {
      case MLP ->
          new Sequential(
              new Flatten(), new Linear(784, 256, g), new ReLU(), new Linear(256, 10, g));
      case CNN ->
          new Sequential(
              new Conv2d(1, 16, 3, 1, 1, g),
              new ReLU(),
              new MaxPool2d(2),
              new Conv2d(16, 32, 3, 1, 1, g),
              new ReLU(),
              new MaxPool2d(2),
              new Flatten(),
              new Linear(32 * 7 * 7, 10, g));
    };
  }

  /**
   * Trains and evaluates; progress goes to {@code out}.
   *
   * @throws IOException if the data cannot be read
   */
  public Result run(PrintStream out) throws IOException {
    Run run =
        noTrack || runsDir == null
            ? null
            : Runs.start(
                RunOptions.builder()
                    .project("mnist")
                    .rootDir(runsDir)
                    .console(false)
                    .tags(model.name().toLowerCase(Locale.ROOT))
                    .build());
    try {
      Result r = run(out, run);
      if (run != null) {
        run.finish(0);
        out.println("Report: " + run.dir().resolve("index.html").toAbsolutePath());
      }
      return r;
    } catch (IOException | RuntimeException | Error e) {
      if (run != null) {
        run.finish(1);
      }
      throw e;
    }
  }

  private Result run(PrintStream out, Run run) throws IOException {
    Path dir = data != null ? data : findData();
    if (dir == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "no MNIST data found: pass --data <folder with train-images-idx3-ubyte.gz etc.>");
    }
    Mnist.Data train = Mnist.train(dir);
    Mnist.Data test = Mnist.test(dir);
    Generator g = new Generator(seed);
    Sequential net = build(model, g);
    Adam opt = Adam.builder().lr(lr).build(net.parameters());
    DataLoader<List<Tensor>> loader =
        DataLoader.builder(new TensorDataset(train.images(), train.labels()))
            .batchSize(batchSize)
            .shuffle(new Generator(seed + 1))
            .build();
    int epochCount = epochs != null ? epochs : (model == Model.MLP ? 20 : 8);
    int maxSteps = steps != null ? steps : epochCount * loader.numBatches();
    if (run != null) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("model", model.name().toLowerCase(Locale.ROOT));
      config.put("epochs", epochCount);
      config.put("steps", maxSteps);
      config.put("batch_size", batchSize);
      config.put("lr", lr);
      config.put("seed", seed);
      config.put("parameters", net.numParameters());
      config.put("data", dir.toString());
      run.config(config);
    }
    out.printf(
        Locale.ROOT,
        "MNIST %s: %d train / %d test images from %s, %d parameters, batch %d, Adam lr %g%n",
        model.name().toLowerCase(Locale.ROOT),
        train.size(),
        test.size(),
        dir,
        net.numParameters(),
        batchSize,
        lr);
    int step = 0;
    double lastLoss = Double.NaN;
    double[] epochSeconds =
        new double[Math.max(1, (maxSteps + loader.numBatches() - 1) / loader.numBatches())];
    int epoch = 0;
    long rssAtWarmup = 0;
    long rssAtHalf = 0;
    while (step < maxSteps) {
      long t0 = System.nanoTime();
      double sum = 0;
      int n = 0;
      net.train();
      Iterator<List<Tensor>> batches = loader.iterator();
      while (batches.hasNext() && step < maxSteps) {
        // The batch is drawn inside the scope too, so its memory returns to the pool with the
        // step's activations.
        try (MemoryScope scope = MemoryScope.open()) {
          List<Tensor> batch = batches.next();
          Tensor loss = F.crossEntropy(net.forward(batch.get(0)), batch.get(1));
          loss.backward();
          opt.step();
          opt.zeroGrad(false);
          lastLoss = loss.item();
        }
        sum += lastLoss;
        n++;
        step++;
        if (run != null && (step % 10 == 0 || step == 1)) {
          run.log(step, Map.of("loss", lastLoss, "lr", lr));
        }
        if (reportMemory && step == 500) {
          rssAtWarmup = rssKb();
        }
        if (reportMemory && step == maxSteps / 2) {
          rssAtHalf = rssKb();
        }
        if (reportMemory && step % 2000 == 0) {
          Runtime rt = Runtime.getRuntime();
          out.printf(
              Locale.ROOT,
              "step %6d  loss %.4f  RSS %.1f MB  native %.1f MB  heap used %.1f MB%n",
              step,
              lastLoss,
              rssKb() / 1024.0,
              dev.residual.tensor.internal.StorageStats.liveNativeBytes() / 1048576.0,
              (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
      }
      epochSeconds[epoch] = (System.nanoTime() - t0) * 1e-9;
      if (run != null) {
        run.log(
            step,
            Map.of(
                "epoch",
                epoch + 1,
                "epoch_mean_loss",
                sum / Math.max(1, n),
                "epoch_seconds",
                epochSeconds[epoch]));
      }
      out.printf(
          Locale.ROOT,
          "epoch %2d  mean loss %.4f  %.2f s%n",
          epoch + 1,
          sum / Math.max(1, n),
          epochSeconds[epoch]);
      epoch++;
    }
    double acc = accuracy(net, test);
    if (run != null) {
      run.log(step, Map.of("test_accuracy", acc));
      run.summary("test_accuracy", acc);
      run.summary("last_loss", lastLoss);
      run.summary("steps", step);
    }
    double[] sorted = java.util.Arrays.copyOf(epochSeconds, epoch);
    java.util.Arrays.sort(sorted);
    double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    out.printf(Locale.ROOT, "test accuracy %.2f%%, median %.2f s per epoch%n", 100 * acc, median);
    if (reportMemory && rssAtWarmup > 0) {
      long end = rssKb();
      out.printf(
          Locale.ROOT,
          "RSS at step 500: %.1f MB, at step %d: %.1f MB (%+.1f%%)%n",
          rssAtWarmup / 1024.0,
          step,
          end / 1024.0,
          100.0 * (end - rssAtWarmup) / rssAtWarmup);
      if (rssAtHalf > 0) {
        out.printf(
            Locale.ROOT,
            "RSS at step %d: %.1f MB, at the end: %.1f MB (%+.1f%%; the JIT has settled by then)%n",
            maxSteps / 2,
            rssAtHalf / 1024.0,
            end / 1024.0,
            100.0 * (end - rssAtHalf) / rssAtHalf);
      }
    }
    return new Result(acc, median, step, lastLoss);
  }

  /**
   * Trains {@code model} for {@code epochs} on the IDX files in {@code dir} with the default
   * settings; progress goes to {@code out}.
   *
   * @throws IOException if the data cannot be read
   */
  public static Result train(Path dir, Model model, int epochs, PrintStream out)
      throws IOException {
    return train(dir, model, epochs, out, null);
  }

  /**
   * Trains as {@link #train(Path, Model, int, PrintStream)} and records the run under {@code
   * runsDir/mnist/<id>/} (nothing if {@code runsDir} is null).
   *
   * @throws IOException if the data cannot be read
   */
  public static Result train(Path dir, Model model, int epochs, PrintStream out, Path runsDir)
      throws IOException {
    MnistTrain t = new MnistTrain();
    t.data = dir;
    t.model = model;
    t.epochs = epochs;
    t.runsDir = runsDir;
    return t.run(out);
  }

  /** Fraction of {@code test} the network classifies correctly (evaluated in chunks of 500). */
  public static double accuracy(Sequential net, Mnist.Data test) {
    net.eval();
    long correct = 0;
    int n = test.size();
    try (Tensor.NoGrad ng = Tensor.noGrad()) {
      for (int start = 0; start < n; start += 500) {
        try (MemoryScope scope = MemoryScope.open()) {
          int len = Math.min(500, n - start);
          Tensor logits = net.forward(test.images().narrow(0, start, len));
          Tensor hits = logits.argmax(1, false).eq(test.labels().narrow(0, start, len));
          correct += (long) hits.sum().item();
        }
      }
    }
    net.train();
    return (double) correct / n;
  }

  /**
   * The repository's {@code ../shared/data/mnist-10k}, looked for from the working directory up.
   */
  public static Path findData() {
    Path p = Path.of("").toAbsolutePath();
    for (int up = 0; p != null && up < 5; up++, p = p.getParent()) {
      for (Path c :
          new Path[] {p.resolve("shared/data/mnist-10k"), p.resolve("../shared/data/mnist-10k")}) {
        if (Files.isDirectory(c)) {
          return c.normalize();
        }
      }
    }
    return null;
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // Not on Linux: no figure.
    }
    return 0;
  }

  @Override
  public Integer call() throws IOException {
    run(System.out);
    return 0;
  }

  /** Runs the command: {@code java ... MnistTrain --model cnn}. */
  public static void main(String[] args) {
    System.exit(
        new CommandLine(new MnistTrain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
