package dev.residual.diffusion;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.diffusion.eval.Mmd;
import dev.residual.diffusion.eval.ModeCoverage;
import dev.residual.diffusion.eval.SamplePlots;
import dev.residual.diffusion.models.MlpDenoiser;
import dev.residual.optim.AdamW;
import dev.residual.optim.ExponentialMovingAverage;
import dev.residual.optim.Optimizer;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A 2-D diffusion run end to end: train an {@link MlpDenoiser} (ε-prediction, linear schedule) on a
 * toy distribution with AdamW and an EMA of the weights, sample with DDPM and DDIM from the EMA
 * weights, and measure the samples (MMD against fresh true points, beside true-vs-true; mode
 * coverage for eight Gaussians) and draw them.
 */
public final class ToyExperiment {
  private ToyExperiment() {}

  /** The toy distributions. */
  public enum Data {
    /** {@link Toy2d#swissRoll}. */
    SWISSROLL,
    /** {@link Toy2d#twoMoons}. */
    MOONS,
    /** {@link Toy2d#eightGaussians}. */
    EIGHT_GAUSSIANS
  }

  /**
   * Settings.
   *
   * @param data the distribution
   * @param steps optimizer steps
   * @param batchSize points per step
   * @param lr AdamW learning rate
   * @param timesteps diffusion steps T (linear schedule, rescaled for T below 1000)
   * @param ddimSteps DDIM sampling steps (η = 0)
   * @param samples points drawn for evaluation and plots
   * @param seed seed of everything
   */
  public record Config(
      Data data,
      int steps,
      int batchSize,
      double lr,
      int timesteps,
      int ddimSteps,
      int samples,
      long seed) {
    /**
     * @throws IllegalArgumentException naming the first bad field
     */
    public Config {
      if (data == null
          || steps < 1
          || batchSize < 1
          || !(lr > 0)
          || timesteps < 100
          || ddimSteps < 1
          || ddimSteps > timesteps
          || samples < 10) {
        throw new IllegalArgumentException(
            "ToyExperiment.Config: need data, steps >= 1, batchSize >= 1, lr > 0, timesteps >="
                + " 100, 1 <= ddimSteps <= timesteps and samples >= 10; got "
                + data
                + ", "
                + steps
                + ", "
                + batchSize
                + ", "
                + lr
                + ", "
                + timesteps
                + ", "
                + ddimSteps
                + ", "
                + samples);
      }
    }

    /** A short run for the demo: 2000 steps on eight Gaussians, T = 200, 1000 samples. */
    public static Config quick() {
      return new Config(Data.EIGHT_GAUSSIANS, 2000, 256, 2e-3, 200, 50, 1000, 0);
    }
  }

  /**
   * What a run found.
   *
   * @param ddpm DDPM samples {@code [samples, 2]}
   * @param ddim DDIM samples {@code [samples, 2]}
   * @param mmdDdpm MMD² (biased, default bandwidths) of DDPM samples vs fresh true points
   * @param mmdDdim the same for DDIM
   * @param mmdTrue MMD² of two independent true samples (the floor)
   * @param modes mode coverage of the DDPM samples (eight Gaussians only, else null)
   * @param finalLoss the last step's loss
   * @param seconds wall time
   * @param plot a scatter plot of true, DDPM and DDIM points
   */
  public record Result(
      Tensor ddpm,
      Tensor ddim,
      double mmdDdpm,
      double mmdDdim,
      double mmdTrue,
      ModeCoverage.Result modes,
      double finalLoss,
      double seconds,
      BufferedImage plot) {
    /** One line for a terminal. */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "MMD² vs true points: DDPM %.2e, DDIM %.2e (true vs true %.2e: %.1fx / %.1fx)%s",
          mmdDdpm,
          mmdDdim,
          mmdTrue,
          mmdDdpm / mmdTrue,
          mmdDdim / mmdTrue,
          modes == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; modes hit %d/8, largest share %.2fx",
                  modes.modesHit(),
                  modes.maxShareRatio()));
    }
  }

  /** The checkpoint's data kind of {@code data}: {@code "toy:swissroll"}, {@code "toy:moons"}, … */
  public static String dataKind(Data data) {
    return "toy:" + data.name().toLowerCase(Locale.ROOT).replace("_", "");
  }

  /**
   * The distribution named by a checkpoint's data kind (the inverse of {@link #dataKind}).
   *
   * @throws IllegalArgumentException if {@code kind} names no toy distribution
   */
  public static Data dataOf(String kind) {
    for (Data d : Data.values()) {
      if (dataKind(d).equals(kind)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "ToyExperiment.dataOf: unknown toy data '"
            + kind
            + "' (toy:swissroll, toy:moons, toy:eightgaussians)");
  }

  /** Draws {@code n} points of {@code data}. */
  public static Tensor sample(Data data, int n, Generator g) {
    return switch (data) {
      case SWISSROLL -> Toy2d.swissRoll(n, g);
      case MOONS -> Toy2d.twoMoons(n, g).points();
      case EIGHT_GAUSSIANS -> Toy2d.eightGaussians(n, g).points();
    };
  }

  /**
   * Trains, samples and evaluates.
   *
   * @param progress receives a line every tenth of training (may be null)
   * @param run records the loss and the scatter plot (may be null)
   */
  public static Result run(Config c, Consumer<String> progress, Run run) {
    return run(c, progress, run, null);
  }

  /**
   * Trains, samples and evaluates, and saves the EMA model as a {@link DenoiserCheckpoint} (data
   * {@code "toy:NAME"}, NAME the lower-case {@link Data} name without underscores).
   *
   * @param progress receives a line every tenth of training (may be null)
   * @param run records the loss and the scatter plot (may be null)
   * @param checkpoint the checkpoint directory, or null for none
   * @throws java.io.UncheckedIOException if the checkpoint cannot be written
   */
  public static Result run(Config c, Consumer<String> progress, Run run, Path checkpoint) {
    long start = System.nanoTime();
    Generator g = new Generator(c.seed());
    MlpDenoiser model = new MlpDenoiser(MlpDenoiser.Config.of(2), g);
    GaussianDiffusion diffusion =
        new GaussianDiffusion(NoiseSchedule.linear(c.timesteps()), Denoiser.Prediction.EPSILON);
    Optimizer opt = AdamW.builder().lr(c.lr()).weightDecay(0.0).build(model.parameters());
    ExponentialMovingAverage ema = new ExponentialMovingAverage(model.parameters(), 0.995);
    double loss = Double.NaN;
    int every = Math.max(1, c.steps() / 10);
    for (int step = 1; step <= c.steps(); step++) {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor x0 = sample(c.data(), c.batchSize(), g);
        Tensor l = diffusion.loss(model, x0, null, g);
        opt.zeroGrad(true);
        l.backward();
        opt.step();
        ema.update();
        loss = l.item();
      }
      if (run != null && (step % 10 == 0 || step == c.steps())) {
        run.log(step, Map.of("loss", loss));
      }
      if (progress != null && step % every == 0) {
        progress.accept(String.format(Locale.ROOT, "step %5d  loss %.4f", step, loss));
      }
    }
    ema.store();
    ema.copyTo();
    if (checkpoint != null) {
      DenoiserCheckpoint.save(
          checkpoint,
          model,
          new DenoiserCheckpoint.Meta(
              dataKind(c.data()),
              new int[] {2},
              0,
              DenoiserCheckpoint.Schedule.LINEAR,
              c.timesteps(),
              Denoiser.Prediction.EPSILON,
              c.steps()));
    }
    Tensor ddpm;
    Tensor ddim;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      long[] shape = {c.samples(), 2};
      ddpm =
          new DdpmSampler(diffusion, DdpmSampler.Variance.POSTERIOR, false)
              .sample(model, shape, null, new Generator(c.seed() + 1));
      ddim =
          new DdimSampler(diffusion, c.ddimSteps(), 0.0, false)
              .sample(model, shape, null, new Generator(c.seed() + 2));
    }
    ema.restore();
    Tensor truth = sample(c.data(), c.samples(), new Generator(c.seed() + 3));
    Tensor truth2 = sample(c.data(), c.samples(), new Generator(c.seed() + 4));
    double[] bw = Mmd.DEFAULT_BANDWIDTHS;
    double mmdDdpm = Mmd.mmd2(ddpm, truth, bw, Mmd.Estimator.BIASED);
    double mmdDdim = Mmd.mmd2(ddim, truth, bw, Mmd.Estimator.BIASED);
    double mmdTrue = Mmd.mmd2(truth2, truth, bw, Mmd.Estimator.BIASED);
    ModeCoverage.Result modes =
        c.data() == Data.EIGHT_GAUSSIANS ? ModeCoverage.eightGaussians(ddpm) : null;
    Map<String, Tensor> groups = new LinkedHashMap<>();
    groups.put("true", truth);
    groups.put("DDPM (" + c.timesteps() + " steps)", ddpm);
    groups.put("DDIM (" + c.ddimSteps() + " steps, η 0)", ddim);
    BufferedImage plot =
        SamplePlots.scatter(
            c.data().name().toLowerCase(Locale.ROOT) + ": samples", groups, 700, 700);
    Result r =
        new Result(
            ddpm,
            ddim,
            mmdDdpm,
            mmdDdim,
            mmdTrue,
            modes,
            loss,
            (System.nanoTime() - start) / 1e9,
            plot);
    if (run != null) {
      run.logImage(c.steps(), "samples", plot);
      run.summary("mmd2_ddpm", mmdDdpm);
      run.summary("mmd2_ddim", mmdDdim);
      run.summary("mmd2_true_vs_true", mmdTrue);
      if (modes != null) {
        run.summary("modes_hit", modes.modesHit());
        run.summary("max_share_ratio", modes.maxShareRatio());
      }
    }
    return r;
  }
}
