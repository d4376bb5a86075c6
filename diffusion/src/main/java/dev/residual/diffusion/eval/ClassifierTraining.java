package dev.residual.diffusion.eval;

import dev.residual.diffusion.Denoiser;
import dev.residual.diffusion.GaussianDiffusion;
import dev.residual.diffusion.NoiseSchedule;
import dev.residual.diffusion.data.MnistImages;
import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.optim.Optimizer;
import dev.residual.optim.ParamGroup;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Trains a {@link MnistClassifier}: AdamW on shuffled minibatches with a cosine-decayed learning
 * rate, optional random shifts of up to {@code ±maxShift} pixels (the border filled with the
 * background {@code −1}), and — for a time-conditioned classifier — noisy inputs {@code x_t =
 * qSample(x0, t, ε)} with {@code t} uniform in {@code [0, T)} and {@code ε ~ N(0, I)}, so that the
 * classifier learns {@code p(y | x_t)} for classifier guidance.
 *
 * <p>Recipe measured on {@code mnist-10k} (9,000 train / 1,000 test): the clean judge reached 97.7%
 * test accuracy after the default 10 epochs and 98.4% after 6 more from that checkpoint ({@code
 * --init FILE --epochs 6 --lr 1e-3 --seed 1}); the time-conditioned classifier ({@code --noisy
 * --pad32 --epochs 14}, then {@code --init FILE --epochs 7 --lr 1e-3 --seed 1}) is trained the same
 * way on {@code x_t}.
 *
 * <p>{@link #main} is the driver for the real MNIST run: {@code --data DIR --out FILE [--noisy]
 * [--epochs N] [--batch B] [--lr LR] [--seed S] [--pad32] [--timesteps T] [--init FILE]}.
 */
public final class ClassifierTraining {
  private static final int EVAL_BATCH = 250;

  private ClassifierTraining() {}

  /**
   * Training options.
   *
   * @param epochs passes over the training set
   * @param batchSize examples per step (the last partial batch of an epoch is dropped)
   * @param lr peak AdamW learning rate, decayed by a half cosine to 0 over all steps
   * @param weightDecay AdamW weight decay
   * @param maxShift random shift augmentation of up to {@code ±maxShift} pixels in each direction;
   *     0 turns it off
   * @param seed seed of the shuffling, augmentation, timestep and noise draws
   */
  public record Config(
      int epochs, int batchSize, double lr, double weightDecay, int maxShift, long seed) {
    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if {@code epochs} or {@code batchSize} is not positive,
     *     {@code lr} is not positive, {@code weightDecay} or {@code maxShift} is negative
     */
    public Config {
      if (epochs <= 0 || batchSize <= 0 || !(lr > 0) || !(weightDecay >= 0) || maxShift < 0) {
        throw new IllegalArgumentException(
            "ClassifierTraining.Config: need epochs > 0, batchSize > 0, lr > 0, weightDecay >= 0,"
                + " maxShift >= 0; got epochs="
                + epochs
                + ", batchSize="
                + batchSize
                + ", lr="
                + lr
                + ", weightDecay="
                + weightDecay
                + ", maxShift="
                + maxShift);
      }
    }

    /** The MNIST recipe: 10 epochs of 64, lr 2e-3, weight decay 1e-4, shifts of ±2 px. */
    public static Config mnist() {
      return new Config(10, 64, 2e-3, 1e-4, 2, 0);
    }
  }

  /**
   * One epoch's record.
   *
   * @param epoch 1-based epoch number
   * @param loss mean cross-entropy over the epoch's steps
   * @param trainAccuracy fraction of the epoch's (augmented, noisy) training inputs classified
   *     correctly while training
   * @param testAccuracy accuracy on the held-out set after the epoch (clean inputs, or for a
   *     time-conditioned classifier noisy inputs at uniform random timesteps), NaN without one
   * @param seconds wall time of the epoch's training steps
   */
  public record Epoch(
      int epoch, double loss, double trainAccuracy, double testAccuracy, double seconds) {}

  /**
   * Trains {@code model} in place (leaving it in eval mode).
   *
   * @param model the classifier
   * @param images FLOAT32 training images {@code [N, 1, H, W]} in {@code [−1, 1]}
   * @param labels INT64 labels {@code [N]}
   * @param config options
   * @param diffusion the forward process for a time-conditioned classifier; must be null for a
   *     clean one
   * @param testImages held-out images {@code [M, 1, H', W']} for per-epoch accuracy, or null
   * @param testLabels their labels {@code [M]}, or null
   * @param log where to print one line per epoch, or null
   * @return one {@link Epoch} per epoch
   * @throws IllegalArgumentException if the shapes or types do not fit, there are fewer training
   *     examples than one batch, or {@code diffusion} is missing for a time-conditioned classifier
   *     or given to a clean one
   */
  public static List<Epoch> train(
      MnistClassifier model,
      Tensor images,
      Tensor labels,
      Config config,
      GaussianDiffusion diffusion,
      Tensor testImages,
      Tensor testLabels,
      PrintStream log) {
    checkData("ClassifierTraining.train", images, labels);
    if (testImages != null || testLabels != null) {
      checkData("ClassifierTraining.train (test set)", testImages, testLabels);
    }
    if (model.isTimeConditioned() && diffusion == null) {
      throw new IllegalArgumentException(
          "ClassifierTraining.train: a time-conditioned classifier needs a GaussianDiffusion");
    }
    if (!model.isTimeConditioned() && diffusion != null) {
      throw new IllegalArgumentException(
          "ClassifierTraining.train: a GaussianDiffusion was given for a clean classifier");
    }
    int n = (int) images.size(0);
    int steps = n / config.batchSize();
    if (steps == 0) {
      throw new IllegalArgumentException(
          "ClassifierTraining.train: "
              + n
              + " training images are fewer than one batch of "
              + config.batchSize());
    }
    Generator g = new Generator(config.seed());
    Optimizer opt =
        AdamW.builder().lr(config.lr()).weightDecay(config.weightDecay()).build(model.parameters());
    long total = (long) steps * config.epochs();
    long step = 0;
    List<Epoch> out = new ArrayList<>();
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      model.train();
      long start = System.nanoTime();
      int[] perm = g.permutation(n);
      double lossSum = 0;
      long correct = 0;
      for (int s = 0; s < steps; s++) {
        double lr = 0.5 * config.lr() * (1 + Math.cos(Math.PI * step / total));
        for (ParamGroup pg : opt.paramGroups()) {
          pg.setLr(lr);
        }
        try (MemoryScope scope = MemoryScope.open()) {
          long[] idx = new long[config.batchSize()];
          for (int k = 0; k < idx.length; k++) {
            idx[k] = perm[s * config.batchSize() + k];
          }
          Tensor index = Tensor.of(idx, idx.length);
          Tensor x = images.indexSelect(0, index);
          Tensor y = labels.indexSelect(0, index);
          if (config.maxShift() > 0) {
            x = randomShift(x, config.maxShift(), g);
          }
          Tensor t = null;
          if (diffusion != null) {
            t = Tensor.randint(g, 0, diffusion.schedule().steps(), idx.length);
            Tensor eps = Tensor.randn(g, x.shape()).to(x.dtype());
            x = diffusion.qSample(x, t, eps);
          }
          Tensor logits = model.logits(x, t);
          Tensor loss = F.crossEntropy(logits, y);
          opt.zeroGrad(true);
          loss.backward();
          opt.step();
          lossSum += loss.item();
          correct += countCorrect(logits.detach(), y);
        }
        step++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double testAcc = Double.NaN;
      if (testImages != null) {
        model.eval();
        Tensor t = null;
        if (diffusion != null) {
          t =
              Tensor.randint(
                  new Generator(config.seed() + 1),
                  0,
                  diffusion.schedule().steps(),
                  testImages.size(0));
          testAcc =
              accuracyNoisy(
                  model, testImages, testLabels, diffusion, t, new Generator(config.seed() + 2));
        } else {
          testAcc = accuracy(model, testImages, testLabels, null);
        }
      }
      Epoch e =
          new Epoch(
              epoch,
              lossSum / steps,
              correct / (double) (steps * (long) config.batchSize()),
              testAcc,
              seconds);
      out.add(e);
      if (log != null) {
        log.printf(
            Locale.ROOT,
            "epoch %d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)%n",
            e.epoch(),
            e.loss(),
            e.trainAccuracy(),
            e.testAccuracy(),
            e.seconds());
      }
    }
    model.eval();
    return out;
  }

  /**
   * The fraction of {@code images} that {@code c} classifies as {@code labels}, in batches under
   * {@link Tensor#noGrad()} (the classifier is put in eval mode).
   *
   * @param images {@code [N, 1, H, W]}
   * @param labels INT64 {@code [N]}
   * @param tOrNull timesteps {@code [N]} for a time-conditioned classifier, or null
   * @throws IllegalArgumentException if the shapes do not fit, or as {@link MnistClassifier#logits}
   */
  public static double accuracy(MnistClassifier c, Tensor images, Tensor labels, Tensor tOrNull) {
    checkData("ClassifierTraining.accuracy", images, labels);
    if (tOrNull != null && (tOrNull.dim() != 1 || tOrNull.size(0) != images.size(0))) {
      throw new IllegalArgumentException(
          "ClassifierTraining.accuracy: expected timesteps ["
              + images.size(0)
              + "] for images "
              + Arrays.toString(images.shape())
              + ", got "
              + Arrays.toString(tOrNull.shape()));
    }
    c.eval();
    long n = images.size(0);
    long correct = 0;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (long b = 0; b < n; b += EVAL_BATCH) {
        long len = Math.min(EVAL_BATCH, n - b);
        try (MemoryScope scope = MemoryScope.open()) {
          Tensor x = images.narrow(0, b, len);
          Tensor t = tOrNull == null ? null : tOrNull.narrow(0, b, len);
          correct += countCorrect(c.logits(x, t), labels.narrow(0, b, len));
        }
      }
    }
    return correct / (double) n;
  }

  /**
   * Accuracy of a time-conditioned classifier on {@code x_t = qSample(x0, t, ε)} at one noise level
   * {@code t} for every image, with fresh noise {@code ε} drawn from {@code g}.
   *
   * @param images clean images {@code [N, 1, H, W]}
   * @param labels INT64 {@code [N]}
   * @param t the timestep, in {@code [0, T)}
   * @throws IllegalArgumentException if the classifier is not time-conditioned, {@code t} is out of
   *     range, or the shapes do not fit
   */
  public static double accuracyAt(
      MnistClassifier c,
      Tensor images,
      Tensor labels,
      GaussianDiffusion diffusion,
      int t,
      Generator g) {
    if (!c.isTimeConditioned()) {
      throw new IllegalArgumentException(
          "ClassifierTraining.accuracyAt: the classifier is not time-conditioned");
    }
    int steps = diffusion.schedule().steps();
    if (t < 0 || t >= steps) {
      throw new IllegalArgumentException(
          "ClassifierTraining.accuracyAt: timestep " + t + " outside [0, " + steps + ")");
    }
    checkData("ClassifierTraining.accuracyAt", images, labels);
    Tensor ts = Tensor.full(t, DType.INT64, images.size(0));
    return accuracyNoisy(c, images, labels, diffusion, ts, g);
  }

  private static double accuracyNoisy(
      MnistClassifier c,
      Tensor images,
      Tensor labels,
      GaussianDiffusion diffusion,
      Tensor ts,
      Generator g) {
    Tensor xt;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor eps = Tensor.randn(g, images.shape()).to(images.dtype());
      xt = diffusion.qSample(images, ts, eps);
    }
    return accuracy(c, xt, labels, ts);
  }

  /**
   * Shifts each image of {@code x [B, C, H, W]} by its own random offset {@code (dy, dx)}, each
   * uniform in {@code [−maxShift, maxShift]}, filling uncovered pixels with the background value
   * {@code −1}. Returns a new tensor that does not track gradients.
   *
   * @throws IllegalArgumentException if {@code x} is not 4-D floating point or {@code maxShift} is
   *     negative
   */
  public static Tensor randomShift(Tensor x, int maxShift, Generator g) {
    long[] s = x.shape();
    if (s.length != 4 || !x.dtype().isFloatingPoint() || maxShift < 0) {
      throw new IllegalArgumentException(
          "ClassifierTraining.randomShift: expected floating-point images [B, C, H, W] and"
              + " maxShift >= 0, got "
              + x.dtype()
              + " "
              + Arrays.toString(s)
              + " and maxShift "
              + maxShift);
    }
    int b = (int) s[0];
    int c = (int) s[1];
    int h = (int) s[2];
    int w = (int) s[3];
    float[] src = x.detach().to(DType.FLOAT32).toFloatArray();
    float[] dst = new float[src.length];
    Arrays.fill(dst, MnistImages.BACKGROUND);
    for (int i = 0; i < b; i++) {
      int dy = g.nextInt(2 * maxShift + 1) - maxShift;
      int dx = g.nextInt(2 * maxShift + 1) - maxShift;
      int y0 = Math.max(0, dy);
      int y1 = Math.min(h, h + dy);
      int x0 = Math.max(0, dx);
      int x1 = Math.min(w, w + dx);
      for (int ch = 0; ch < c; ch++) {
        int plane = (i * c + ch) * h * w;
        for (int yy = y0; yy < y1; yy++) {
          if (x1 > x0) {
            System.arraycopy(
                src, plane + (yy - dy) * w + (x0 - dx), dst, plane + yy * w + x0, x1 - x0);
          }
        }
      }
    }
    Tensor out = Tensor.empty(DType.FLOAT32, s);
    FloatBuffer f = out.storage().f;
    f.put(0, dst, 0, dst.length);
    return x.dtype() == DType.FLOAT32 ? out : out.to(x.dtype());
  }

  private static long countCorrect(Tensor logits, Tensor labels) {
    long[] pred = logits.argmax(1, false).toLongArray();
    long[] y = labels.toLongArray();
    long correct = 0;
    for (int i = 0; i < pred.length; i++) {
      if (pred[i] == y[i]) {
        correct++;
      }
    }
    return correct;
  }

  private static void checkData(String op, Tensor images, Tensor labels) {
    if (images == null || labels == null) {
      throw new IllegalArgumentException(op + ": images and labels must both be given");
    }
    long[] s = images.shape();
    if (s.length != 4 || s[1] != 1 || !images.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op
              + ": expected floating-point images [N, 1, H, W], got "
              + images.dtype()
              + " "
              + Arrays.toString(s));
    }
    if (labels.dim() != 1 || labels.size(0) != s[0] || labels.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          op
              + ": expected INT64 labels ["
              + s[0]
              + "] for images "
              + Arrays.toString(s)
              + ", got "
              + labels.dtype()
              + " "
              + Arrays.toString(labels.shape()));
    }
  }

  /**
   * Trains a classifier on real MNIST and saves it: {@code --data DIR} (IDX files), {@code --out
   * FILE} (safetensors), {@code --noisy} (time-conditioned, on {@code x_t} of a linear schedule
   * with {@code --timesteps T}, default 1000), {@code --epochs N}, {@code --batch B}, {@code --lr
   * LR}, {@code --seed S}, {@code --pad32} (train on 32x32 padded images), {@code --init FILE}
   * (continue from a saved classifier). Prints per-epoch loss and accuracy, the final test accuracy
   * (for {@code --noisy}, at t = 0, 250, 500, 750) and, for a clean classifier, the FID-MNIST floor
   * (test vs train features).
   *
   * @throws IOException if the data cannot be read or the model cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path data = null;
    Path out = null;
    Path init = null;
    boolean noisy = false;
    boolean pad32 = false;
    Config d = Config.mnist();
    int epochs = d.epochs();
    int batch = d.batchSize();
    double lr = d.lr();
    long seed = d.seed();
    int timesteps = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--init" -> init = Path.of(args[++i]);
        case "--noisy" -> noisy = true;
        case "--pad32" -> pad32 = true;
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--lr" -> lr = Double.parseDouble(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--timesteps" -> timesteps = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "ClassifierTraining: unknown argument "
                    + args[i]
                    + " (expected --data DIR --out FILE [--init FILE] [--noisy] [--pad32] [--epochs"
                    + " N] [--batch B] [--lr LR] [--seed S] [--timesteps T])");
      }
    }
    if (data == null || out == null) {
      throw new IllegalArgumentException(
          "ClassifierTraining: --data DIR and --out FILE are required");
    }
    MnistImages.Split train = MnistImages.load(data, true, pad32);
    MnistImages.Split test = MnistImages.load(data, false, pad32);
    System.out.printf(
        Locale.ROOT,
        "train %s, test %s%n",
        Arrays.toString(train.images().shape()),
        Arrays.toString(test.images().shape()));
    Generator g = new Generator(seed);
    MnistClassifier model =
        init != null
            ? MnistClassifier.load(init)
            : new MnistClassifier(
                noisy ? MnistClassifier.Config.noisy() : MnistClassifier.Config.clean(), g);
    if (model.isTimeConditioned() != noisy) {
      throw new IllegalArgumentException(
          "ClassifierTraining: --init " + init + " does not match --noisy " + noisy);
    }
    GaussianDiffusion diffusion =
        noisy
            ? new GaussianDiffusion(NoiseSchedule.linear(timesteps), Denoiser.Prediction.EPSILON)
            : null;
    Config config = new Config(epochs, batch, lr, d.weightDecay(), d.maxShift(), seed);
    long start = System.nanoTime();
    train(
        model,
        train.images(),
        train.labels(),
        config,
        diffusion,
        test.images(),
        test.labels(),
        System.out);
    System.out.printf(Locale.ROOT, "training took %.1f s%n", (System.nanoTime() - start) / 1e9);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    model.save(out);
    System.out.println("saved " + out);
    if (noisy) {
      for (int t : new int[] {0, 250, 500, 750}) {
        if (t < timesteps) {
          double acc =
              accuracyAt(
                  model, test.images(), test.labels(), diffusion, t, new Generator(seed + t));
          System.out.printf(Locale.ROOT, "test accuracy at t=%d: %.4f%n", t, acc);
        }
      }
    } else {
      System.out.printf(
          Locale.ROOT,
          "test accuracy: %.4f%n",
          accuracy(model, test.images(), test.labels(), null));
      MnistJudge judge = new MnistJudge(model, test.images(), train.images());
      System.out.printf(Locale.ROOT, "FID-MNIST floor (test vs train): %.4f%n", judge.floor());
    }
  }
}
