package dev.residual.diffusion;

import dev.residual.diffusion.data.MnistImages;
import dev.residual.diffusion.eval.MnistClassifier;
import dev.residual.diffusion.eval.MnistJudge;
import dev.residual.diffusion.eval.SamplePlots;
import dev.residual.diffusion.models.UNet;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.Threads;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Class-conditional diffusion on MNIST end to end: train a {@link UNet} with an EMA of its weights
 * and label dropout (so one model serves conditional, unconditional and classifier-free guided
 * sampling), export the EMA model as a {@link DenoiserCheckpoint}, sample it with DDPM or DDIM,
 * classifier-free or classifier guidance, and judge the samples with a separately trained clean
 * {@link MnistClassifier} ({@link MnistJudge}: requested-class accuracy, class histogram and
 * "FID-MNIST").
 *
 * <p>Images are {@code [N, 1, 28, 28]} in {@code [-1, 1]}; the U-Net has three levels at 28, 14 and
 * 7 pixels. Everything runs on the CPU: {@link Config#standard()} is sized for a couple of thousand
 * steps on two cores.
 */
public final class MnistExperiment {
  private MnistExperiment() {}

  /**
   * Settings of a training run.
   *
   * @param dataDir the MNIST IDX directory ({@code train-images-idx3-ubyte(.gz)} etc.)
   * @param model the U-Net (must be class-conditional with 10 classes, 1 channel)
   * @param trainer optimisation settings
   * @param timesteps diffusion steps {@code T} of the linear schedule
   * @param steps total optimizer steps (a resumed run continues up to this)
   * @param checkpointEvery steps between checkpoints
   * @param logEvery steps between loss records
   */
  public record Config(
      Path dataDir,
      UNet.Config model,
      ImageTrainer.Config trainer,
      int timesteps,
      int steps,
      int checkpointEvery,
      int logEvery) {
    /**
     * @throws IllegalArgumentException naming the first bad field
     */
    public Config {
      if (dataDir == null || model == null || trainer == null) {
        throw new IllegalArgumentException(
            "MnistExperiment.Config: dataDir, model, trainer needed");
      }
      if (model.inChannels() != 1 || model.numClasses() != MnistClassifier.CLASSES) {
        throw new IllegalArgumentException(
            "MnistExperiment.Config: the U-Net must take 1 channel and 10 classes, got "
                + model.inChannels()
                + " and "
                + model.numClasses());
      }
      if (timesteps < 2 || steps < 1 || checkpointEvery < 1 || logEvery < 1) {
        throw new IllegalArgumentException(
            "MnistExperiment.Config: need timesteps >= 2, steps, checkpointEvery, logEvery >= 1;"
                + " got "
                + timesteps
                + ", "
                + steps
                + ", "
                + checkpointEvery
                + ", "
                + logEvery);
      }
    }

    /**
     * The run measured in the closing note: base 16, multipliers (1, 2, 2), one residual block per
     * level, attention in the middle (7x7), 8 groups, dropout 0.1; batch 64, AdamW lr 1e-3 with 200
     * warm-up steps, EMA 0.999, labels dropped 15% of the time, gradient norm clipped at 1; T =
     * 1000. The learning rate stays constant; the measured run trained 9,500 steps so and was then
     * resumed with {@link ImageTrainer.Config#withCosineDecay} (9,500 to 15,500, down to 1e-5).
     */
    public static Config standard(Path dataDir, int steps) {
      return new Config(
          dataDir,
          new UNet.Config(1, 16, new int[] {1, 2, 2}, 1, new int[0], true, 8, 0.1, 10),
          new ImageTrainer.Config(64, 1e-3, 0.0, 200, 0.999, 0.15, 1.0, 0),
          1000,
          steps,
          250,
          25);
    }
  }

  /** Where {@link #train} keeps things under its output directory. */
  public static Path trainerDir(Path out) {
    return out.resolve("trainer");
  }

  /** The exported EMA model ({@link DenoiserCheckpoint}) under a training output directory. */
  public static Path modelDir(Path out) {
    return out.resolve("model");
  }

  /**
   * Trains (resuming from {@code out/trainer} if a checkpoint is there), saving the resumable state
   * every {@code checkpointEvery} steps and the EMA model to {@code out/model} at each checkpoint,
   * then draws a sample grid (DDIM 50 steps, classifier-free guidance w = 2, eight per class).
   *
   * @param progress receives a line per {@code logEvery·10} steps (may be null)
   * @param run records loss, learning rate and ms/step, and the sample grid (may be null)
   * @return the trainer, holding the trained model
   * @throws IOException if the data cannot be read or a checkpoint cannot be written
   */
  public static ImageTrainer train(Config c, Path out, Consumer<String> progress, Run run)
      throws IOException {
    MnistImages.Split data = MnistImages.load(c.dataDir(), true, false);
    UNet net = new UNet(c.model(), new Generator(c.trainer().seed()));
    GaussianDiffusion diffusion =
        new GaussianDiffusion(NoiseSchedule.linear(c.timesteps()), Denoiser.Prediction.EPSILON);
    ImageTrainer trainer =
        new ImageTrainer(net, diffusion, data.images(), data.labels(), c.trainer());
    Path state = trainerDir(out);
    if (Files.exists(state.resolve("state.json"))) {
      trainer.resume(state);
      say(progress, "resumed at step " + trainer.step() + " from " + state);
    }
    say(
        progress,
        String.format(
            Locale.ROOT,
            "U-Net %,d parameters, %d training images, %d steps of batch %d",
            net.numParameters(),
            data.images().size(0),
            c.steps(),
            c.trainer().batchSize()));
    double sum = 0;
    int count = 0;
    long t0 = System.nanoTime();
    while (trainer.step() < c.steps()) {
      sum += trainer.trainStep();
      count++;
      long s = trainer.step();
      if (s % c.logEvery() == 0 || s == c.steps()) {
        double ms = (System.nanoTime() - t0) / 1e6 / count;
        if (run != null) {
          run.log(s, Map.of("loss", sum / count, "lr", trainer.lrAt(s), "ms_per_step", ms));
        }
        if (s % (10L * c.logEvery()) == 0 || s == c.steps()) {
          say(
              progress,
              String.format(Locale.ROOT, "step %6d  loss %.4f  %.0f ms/step", s, sum / count, ms));
        }
        sum = 0;
        count = 0;
        t0 = System.nanoTime();
      }
      if (s % c.checkpointEvery() == 0 || s == c.steps()) {
        save(trainer, c, out);
      }
    }
    if (!Files.exists(modelDir(out).resolve("state.json"))) {
      save(trainer, c, out); // a resumed run that was already complete: export its EMA model
    }
    if (run != null) {
      Loaded loaded = new Loaded(trainer);
      Tensor labels = cycledLabels(80);
      Tensor grid = loaded.sample(labels, Sampler.DDIM, 50, 2.0, null, 0, 80);
      run.logImage(
          c.steps(),
          "samples (DDIM 50, CFG w=2)",
          SamplePlots.sampleGrid(grid, captions(labels), 10));
    }
    return trainer;
  }

  private static void save(ImageTrainer trainer, Config c, Path out) throws IOException {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("timesteps", c.timesteps());
    extra.put("steps", c.steps());
    trainer.save(trainerDir(out), extra);
    trainer.withEmaWeights(
        () -> {
          DenoiserCheckpoint.save(
              modelDir(out),
              trainer.model(),
              new DenoiserCheckpoint.Meta(
                  "mnist",
                  new int[] {1, 28, 28},
                  MnistClassifier.CLASSES,
                  DenoiserCheckpoint.Schedule.LINEAR,
                  c.timesteps(),
                  Denoiser.Prediction.EPSILON,
                  trainer.step()));
          return null;
        });
  }

  private static void say(Consumer<String> progress, String line) {
    if (progress != null) {
      progress.accept(line);
    }
  }

  /** The samplers. */
  public enum Sampler {
    /** Ancestral sampling over all {@code T} steps (posterior variance β̃). */
    DDPM,
    /** DDIM with η = 0 over evenly spaced steps. */
    DDIM
  }

  /** Labels {@code 0, 1, …, 9, 0, 1, …} of length {@code n} (INT64 {@code [n]}). */
  public static Tensor cycledLabels(int n) {
    long[] y = new long[n];
    for (int k = 0; k < n; k++) {
      y[k] = k % MnistClassifier.CLASSES;
    }
    return Tensor.of(y);
  }

  /** {@code "0", "1", …} captions for a label tensor. */
  public static String[] captions(Tensor labels) {
    long[] y = labels.toLongArray();
    String[] c = new String[y.length];
    for (int k = 0; k < y.length; k++) {
      c[k] = Long.toString(y[k]);
    }
    return c;
  }

  /** A model to sample: an exported {@link DenoiserCheckpoint} or a trainer's EMA weights. */
  public static final class Loaded {
    private final Denoiser model;
    private final GaussianDiffusion diffusion;
    private final int numClasses;
    private final ImageTrainer trainer;

    /** The EMA weights of a trainer (swapped in for each sampling call). */
    public Loaded(ImageTrainer trainer) {
      this(trainer.model(), trainer.diffusion(), trainer.model().numClasses(), trainer);
    }

    private Loaded(
        Denoiser model, GaussianDiffusion diffusion, int numClasses, ImageTrainer trainer) {
      this.model = model;
      this.diffusion = diffusion;
      this.numClasses = numClasses;
      this.trainer = trainer;
    }

    /**
     * The same model asked only for its "no label" prediction whatever labels a sampler passes: the
     * base model of classifier guidance, whose labels must reach the classifier alone.
     */
    public Loaded unconditionalView() {
      return new Loaded(unconditional(model), diffusion, 0, trainer);
    }

    /**
     * A saved denoiser.
     *
     * @throws IllegalArgumentException if it is not an MNIST model
     */
    public Loaded(DenoiserCheckpoint.Loaded saved) {
      if (!saved.meta().isImage() || !saved.meta().data().equals("mnist")) {
        throw new IllegalArgumentException(
            "MnistExperiment: the checkpoint holds '" + saved.meta().data() + "' data, not mnist");
      }
      this.trainer = null;
      this.model = saved.denoiser();
      this.diffusion = saved.diffusion();
      this.numClasses = saved.meta().numClasses();
    }

    /** The diffusion process of the model. */
    public GaussianDiffusion diffusion() {
      return diffusion;
    }

    /**
     * Samples images {@code [n, 1, 28, 28]} in batches of 100, which run in parallel over {@link
     * Threads#get()} threads. Each batch draws its noise from its own generator, split from {@code
     * seed} in batch order, so the samples do not depend on the thread count.
     *
     * @param labels INT64 requested classes {@code [n]}, or null for unconditional samples (the
     *     model's "no label" class)
     * @param sampler DDPM (all T steps) or DDIM ({@code steps}, η = 0)
     * @param steps DDIM steps (ignored for DDPM)
     * @param cfg classifier-free guidance weight {@code w} (0: plain conditional sampling); needs
     *     labels
     * @param guidance classifier guidance, or null; needs labels
     * @param seed seed of the initial noise and DDPM's noise
     * @param batch images per batch
     * @return samples, predicted x0 clipped to {@code [-1, 1]} at every step
     * @throws IllegalArgumentException if guidance is asked for without labels
     */
    public Tensor sample(
        Tensor labels,
        Sampler sampler,
        int steps,
        double cfg,
        ClassifierGuidance guidance,
        long seed,
        int n) {
      return sample(labels, sampler, steps, cfg, guidance, seed, n, 100);
    }

    /**
     * As {@link #sample(Tensor, Sampler, int, double, ClassifierGuidance, long, int)} with a batch
     * size (the samples depend on it: it fixes which generator draws which sample).
     */
    public Tensor sample(
        Tensor labels,
        Sampler sampler,
        int steps,
        double cfg,
        ClassifierGuidance guidance,
        long seed,
        int n,
        int batch) {
      if (labels == null && (cfg != 0 || guidance != null)) {
        throw new IllegalArgumentException(
            "MnistExperiment.sample: guidance (CFG weight "
                + cfg
                + (guidance == null ? "" : ", classifier scale " + guidance.scale())
                + ") needs requested labels");
      }
      if (cfg != 0 && numClasses == 0) {
        throw new IllegalArgumentException(
            "MnistExperiment.sample: classifier-free guidance needs a class-conditional model");
      }
      if (labels != null && labels.size(0) != n) {
        throw new IllegalArgumentException(
            "MnistExperiment.sample: " + labels.size(0) + " labels for " + n + " samples");
      }
      return withEma(() -> run(labels, sampler, steps, 0.0, cfg, guidance, seed, n, batch));
    }

    /**
     * Unguided DDIM samples {@code [n, 1, 28, 28]} with stochasticity {@code eta} (0 is the
     * deterministic sampler of {@link #sample}; 1 matches DDPM's noise level), in batches of 100 as
     * {@link #sample}.
     *
     * @param labels INT64 requested classes {@code [n]}, or null for the model's "no label" class
     * @throws IllegalArgumentException if {@code eta} is negative or not finite, or the labels are
     *     not {@code [n]}
     */
    public Tensor sampleDdim(Tensor labels, int steps, double eta, long seed, int n) {
      if (labels != null && labels.size(0) != n) {
        throw new IllegalArgumentException(
            "MnistExperiment.sampleDdim: " + labels.size(0) + " labels for " + n + " samples");
      }
      if (!(eta >= 0) || !Double.isFinite(eta)) {
        throw new IllegalArgumentException(
            "MnistExperiment.sampleDdim: eta must be finite and >= 0, got " + eta);
      }
      return withEma(() -> run(labels, Sampler.DDIM, steps, eta, 0, null, seed, n, 100));
    }

    private <T> T withEma(Supplier<T> body) {
      return trainer != null ? trainer.withEmaWeights(body) : body.get();
    }

    private Tensor run(
        Tensor labels,
        Sampler sampler,
        int steps,
        double eta,
        double cfg,
        ClassifierGuidance guidance,
        long seed,
        int n,
        int batch) {
      Denoiser m = cfg == 0 ? model : new ClassifierFreeGuidance(model, cfg, numClasses);
      // Each batch draws its noise from its own generator, split from the seed in batch order, so
      // the batches can run in parallel and the samples do not depend on the thread count.
      int batches = (n + batch - 1) / batch;
      Generator seeds = new Generator(seed);
      Generator[] gens = new Generator[batches];
      for (int k = 0; k < batches; k++) {
        gens[k] = seeds.split();
      }
      Tensor[] parts = new Tensor[batches];
      Threads.parallelFor(
          batches,
          k -> {
            int from = k * batch;
            int b = Math.min(batch, n - from);
            Tensor y = labels == null ? null : labels.narrow(0, from, b);
            Generator g = gens[k];
            Tensor xT = Tensor.randn(g, b, 1, 28, 28).to(DType.FLOAT32);
            Tensor out;
            if (guidance == null) {
              try (Tensor.NoGrad ignored = Tensor.noGrad()) {
                out = draw(m, sampler, steps, eta, null, xT, y, g);
              }
            } else {
              out = draw(m, sampler, steps, eta, guidance, xT, y, g);
            }
            parts[k] = out.detach();
          });
      return batches == 1 ? parts[0] : Tensor.cat(List.of(parts), 0);
    }

    private Tensor draw(
        Denoiser m,
        Sampler sampler,
        int steps,
        double eta,
        ClassifierGuidance guidance,
        Tensor xT,
        Tensor y,
        Generator g) {
      return switch (sampler) {
        case DDPM ->
            new DdpmSampler(diffusion, DdpmSampler.Variance.POSTERIOR, true, guidance)
                .sample(m, xT, y, g);
        case DDIM -> new DdimSampler(diffusion, steps, eta, true, guidance).sample(m, xT, y, g);
      };
    }

    /**
     * A trajectory (x_t and predicted x0 every {@code every} steps) of DDIM sampling with
     * classifier-free guidance {@code cfg} for the given labels.
     */
    public Trajectory trajectory(Tensor labels, int steps, double cfg, int every, long seed) {
      Denoiser m = cfg == 0 ? model : new ClassifierFreeGuidance(model, cfg, numClasses);
      Generator g = new Generator(seed);
      Tensor xT = Tensor.randn(g, labels.size(0), 1, 28, 28).to(DType.FLOAT32);
      return withEma(() -> noGradTrajectory(m, xT, labels, steps, every, g));
    }

    private Trajectory noGradTrajectory(
        Denoiser m, Tensor xT, Tensor labels, int steps, int every, Generator g) {
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        return new DdimSampler(diffusion, steps, 0.0, true)
            .sampleTrajectory(m, xT, labels, g, every);
      }
    }
  }

  /**
   * A denoiser that ignores the requested labels (the unconditional half of a CFG-trained model).
   */
  public static Denoiser unconditional(Denoiser model) {
    return (xt, t, y) -> model.predict(xt, t, null);
  }

  /**
   * What {@link #evaluate} measured; every accuracy is the fraction of samples the judge assigns to
   * the requested class.
   *
   * @param n samples per measurement
   * @param cfgAccuracy classifier-free guidance weight → accuracy (DDIM)
   * @param classifierAccuracy classifier guidance scale → accuracy, unconditional model (DDIM)
   * @param unconditionalHistogram class histogram of unconditional samples (DDIM)
   * @param fidN samples in each FID measurement
   * @param fidDdim FID-MNIST of DDIM samples (η = 0, conditional, w = 0, classes balanced)
   * @param fidDdimEta1 FID-MNIST of stochastic DDIM samples (η = 1, same labels), NaN if not
   *     measured
   * @param fidDdpm FID-MNIST of DDPM samples (same labels), NaN if not measured
   * @param fidFloor FID-MNIST of the test set against the training set
   * @param ddimSteps DDIM steps used
   * @param seconds wall time
   */
  public record Report(
      int n,
      int fidN,
      Map<Double, Double> cfgAccuracy,
      Map<Double, Double> classifierAccuracy,
      int[] unconditionalHistogram,
      double fidDdim,
      double fidDdimEta1,
      double fidDdpm,
      double fidFloor,
      int ddimSteps,
      double seconds) {}

  /**
   * Measures a trained model: requested-class accuracy for each classifier-free guidance weight,
   * for each classifier guidance scale (on the unconditional model, with the time-conditioned
   * {@code noisy} classifier; skipped if null), the class histogram of unconditional samples, and
   * FID-MNIST of DDIM (η = 0 and η = 1) and, if {@code withDdpm}, DDPM samples.
   *
   * @param judge the clean classifier and reference statistics
   * @param n samples per measurement (labels cycled over the ten classes)
   * @param ddimSteps DDIM steps
   * @param cfgWeights classifier-free guidance weights to try (0 = unguided conditional)
   * @param classifierScales classifier guidance scales to try (0 = unguided unconditional)
   * @param fidN samples for the FID comparison of DDIM and DDPM, labels cycled over the ten classes
   *     (when {@code fidN <= n} the DDIM ones are the first {@code fidN} unguided conditional
   *     samples; otherwise they are drawn anew with the same seed)
   * @param progress receives a line per measurement (may be null)
   * @throws IllegalArgumentException if {@code fidN < 2}
   */
  public static Report evaluate(
      Loaded model,
      MnistJudge judge,
      MnistClassifier noisy,
      int n,
      int ddimSteps,
      double[] cfgWeights,
      double[] classifierScales,
      boolean withDdpm,
      int fidN,
      Consumer<String> progress) {
    if (fidN < 2) {
      throw new IllegalArgumentException(
          "MnistExperiment.evaluate: fidN must be >= 2, got " + fidN);
    }
    long start = System.nanoTime();
    Tensor labels = cycledLabels(n);
    Map<Double, Double> cfg = new LinkedHashMap<>();
    Tensor plain = null;
    for (double w : cfgWeights) {
      long t0 = System.nanoTime();
      Tensor s = model.sample(labels, Sampler.DDIM, ddimSteps, w, null, 1, n);
      if (w == 0) {
        plain = s;
      }
      cfg.put(w, judge.requestedClassAccuracy(s, labels));
      say(
          progress,
          String.format(
              Locale.ROOT,
              "CFG w=%.1f: requested class %.1f%% (%d samples, DDIM %d, %.0f s)",
              w,
              100 * cfg.get(w),
              n,
              ddimSteps,
              (System.nanoTime() - t0) / 1e9));
    }
    Map<Double, Double> cls = new LinkedHashMap<>();
    int[] hist = null;
    Loaded uncond = model.unconditionalView();
    for (double sc : classifierScales) {
      long t0 = System.nanoTime();
      ClassifierGuidance cg = sc == 0 || noisy == null ? null : new ClassifierGuidance(noisy, sc);
      if (sc != 0 && noisy == null) {
        continue;
      }
      Tensor s = uncond.sample(labels, Sampler.DDIM, ddimSteps, 0, cg, 2, n);
      cls.put(sc, judge.requestedClassAccuracy(s, labels));
      if (sc == 0) {
        hist = judge.classHistogram(s);
      }
      say(
          progress,
          String.format(
              Locale.ROOT,
              "classifier guidance s=%.1f on the unconditional model: requested class %.1f%% (%.0f s)",
              sc,
              100 * cls.get(sc),
              (System.nanoTime() - t0) / 1e9));
    }
    Tensor fidLabels = cycledLabels(fidN);
    long t1 = System.nanoTime();
    Tensor ddim =
        plain != null && fidN <= n
            ? plain.narrow(0, 0, fidN)
            : model.sample(fidLabels, Sampler.DDIM, ddimSteps, 0, null, 1, fidN);
    double fidDdim = judge.fid(ddim);
    Tensor ddim1 = model.sampleDdim(fidLabels, ddimSteps, 1.0, 4, fidN);
    double fidDdimEta1 = judge.fid(ddim1);
    say(
        progress,
        String.format(
            Locale.ROOT,
            "DDIM-%d: %d samples; η 0: FID-MNIST %.3f, requested class %.1f%%; η 1: FID-MNIST"
                + " %.3f, requested class %.1f%%; %.0f s",
            ddimSteps,
            fidN,
            fidDdim,
            100 * judge.requestedClassAccuracy(ddim, fidLabels),
            fidDdimEta1,
            100 * judge.requestedClassAccuracy(ddim1, fidLabels),
            (System.nanoTime() - t1) / 1e9));
    double fidDdpm = Double.NaN;
    if (withDdpm) {
      long t0 = System.nanoTime();
      Tensor ddpm = model.sample(fidLabels, Sampler.DDPM, 0, 0, null, 3, fidN);
      fidDdpm = judge.fid(ddpm);
      say(
          progress,
          String.format(
              Locale.ROOT,
              "DDPM: %d samples in %.0f s; FID-MNIST %.3f, requested class %.1f%%",
              fidN,
              (System.nanoTime() - t0) / 1e9,
              fidDdpm,
              100 * judge.requestedClassAccuracy(ddpm, fidLabels)));
    }
    double floor = judge.floor();
    say(
        progress,
        String.format(
            Locale.ROOT,
            "FID-MNIST (%d samples): DDIM-%d %.3f (η 1: %.3f), DDPM-%d %.3f, floor (test vs"
                + " train) %.3f",
            fidN,
            ddimSteps,
            fidDdim,
            fidDdimEta1,
            model.diffusion().schedule().steps(),
            fidDdpm,
            floor));
    return new Report(
        n,
        fidN,
        cfg,
        cls,
        hist,
        fidDdim,
        fidDdimEta1,
        fidDdpm,
        floor,
        ddimSteps,
        (System.nanoTime() - start) / 1e9);
  }

  /** A sample grid image: {@code images [N, 1, H, W]} with label captions, {@code nrow} per row. */
  public static BufferedImage grid(Tensor images, Tensor labels, int nrow) {
    return SamplePlots.sampleGrid(images, labels == null ? null : captions(labels), nrow);
  }
}
