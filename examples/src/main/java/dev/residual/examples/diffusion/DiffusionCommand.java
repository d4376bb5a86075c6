package dev.residual.examples.diffusion;

import dev.residual.diffusion.ClassifierFreeGuidance;
import dev.residual.diffusion.DdimSampler;
import dev.residual.diffusion.DdpmSampler;
import dev.residual.diffusion.Denoiser;
import dev.residual.diffusion.DenoiserCheckpoint;
import dev.residual.diffusion.ToyExperiment;
import dev.residual.diffusion.Trajectory;
import dev.residual.diffusion.eval.Mmd;
import dev.residual.diffusion.eval.SamplePlots;
import dev.residual.examples.cli.RunRecords;
import dev.residual.plot.Plots;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code residual diffusion train --data toy:NAME}: a 2-D diffusion run (MLP denoiser, DDPM and
 * DDIM sampling, MMD and mode coverage, a scatter plot in the run report) that ends by saving the
 * EMA model as a {@link DenoiserCheckpoint}; {@code residual diffusion sample --checkpoint DIR}:
 * samples such a checkpoint with DDPM or DDIM, optionally with classifier-free guidance, and puts
 * the samples and the denoising trajectory in the run report. MNIST training is not wired to the
 * command line yet.
 */
@Command(
    name = "diffusion",
    mixinStandardHelpOptions = true,
    description =
        "Diffusion models: train on 2-D toy data, and sample a saved denoiser with DDPM or DDIM.",
    subcommands = {DiffusionCommand.Train.class, DiffusionCommand.Sample.class})
public final class DiffusionCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a subcommand: train or sample");
  }

  /** {@code diffusion train}. */
  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Train an MLP denoiser on a 2-D toy distribution, then sample it with DDPM and DDIM"
              + " and report MMD and mode coverage.")
  public static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--data",
        defaultValue = "toy:eightgaussians",
        description = "toy:swissroll, toy:moons or toy:eightgaussians (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(
        names = "--steps",
        defaultValue = "8000",
        description =
            "Training steps (default: ${DEFAULT-VALUE}, about 2 minutes on 2 cores; the demo's"
                + " short run uses 2000).")
    int steps;

    @Option(
        names = "--timesteps",
        defaultValue = "200",
        description = "Diffusion steps T (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(
        names = "--ddim-steps",
        defaultValue = "50",
        description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int ddimSteps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--runs-dir",
        paramLabel = "DIR",
        defaultValue = "runs",
        description = "Root of the local run directories (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--no-track", description = "Do not record a run; the plot goes to --out.")
    boolean noTrack;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where the scatter plot goes (default: the run's directory).")
    Path out;

    @Option(
        names = "--checkpoint",
        paramLabel = "DIR",
        description =
            "Where the EMA model is saved for `diffusion sample` (default: checkpoint/ in the run's"
                + " directory, or in --out).")
    Path checkpoint;

    @Override
    public Integer call() {
      ToyExperiment.Config c;
      try {
        ToyExperiment.Data d =
            switch (data.toLowerCase(Locale.ROOT)) {
              case "toy:swissroll" -> ToyExperiment.Data.SWISSROLL;
              case "toy:moons" -> ToyExperiment.Data.MOONS;
              case "toy:eightgaussians", "toy:8gaussians" -> ToyExperiment.Data.EIGHT_GAUSSIANS;
              default ->
                  throw new IllegalArgumentException(
                      "unknown --data " + data + " (toy:swissroll, toy:moons, toy:eightgaussians)");
            };
        c = new ToyExperiment.Config(d, steps, 256, 2e-3, timesteps, ddimSteps, 1000, seed);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      return run(c, System.out, noTrack ? null : runsDir, out, true, checkpoint);
    }
  }

  /** {@code diffusion sample}. */
  @Command(
      name = "sample",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Sample a saved denoiser (DenoiserCheckpoint) with DDPM or DDIM, optionally with"
              + " classifier-free guidance; the samples and the denoising trajectory go into the"
              + " run report.")
  public static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--checkpoint",
        paramLabel = "DIR",
        required = true,
        description = "A checkpoint written by `diffusion train` or the MNIST trainer.")
    Path checkpoint;

    @Option(
        names = "--sampler",
        defaultValue = "ddim",
        description = "ddpm (all T steps) or ddim (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(
        names = "--steps",
        defaultValue = "50",
        description = "DDIM steps, in [1, T] (default: ${DEFAULT-VALUE}; DDPM uses all T).")
    int steps;

    @Option(
        names = "--eta",
        defaultValue = "0",
        description = "DDIM stochasticity η >= 0; 0 is deterministic (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(
        names = "--guidance",
        defaultValue = "none",
        description =
            "none, cfg:W (classifier-free, weight W; needs a class-conditional model) or"
                + " classifier:S (default: ${DEFAULT-VALUE}).")
    String guidance;

    @Option(
        names = "--class",
        paramLabel = "C",
        description =
            "The class to sample (conditional models; default: classes 0, 1, … cycled over the"
                + " samples).")
    Integer cls;

    @Option(
        names = "--n",
        defaultValue = "64",
        description = "Number of samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--every",
        paramLabel = "K",
        defaultValue = "0",
        description =
            "Capture x_t and x̂0 every K sampling steps for the trajectory (default: 0, about ten"
                + " captures).")
    int every;

    @Option(
        names = "--runs-dir",
        paramLabel = "DIR",
        defaultValue = "runs",
        description = "Root of the local run directories (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--no-track", description = "Do not record a run; the images go to --out.")
    boolean noTrack;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where samples.png and trajectory.png go (default: the run's directory).")
    Path out;

    @Override
    public Integer call() {
      return sample(System.out);
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }

    /** Parses the guidance option: null for none, else the classifier-free weight. */
    private Double guidanceWeight() {
      String gd = guidance.trim().toLowerCase(Locale.ROOT);
      if (gd.equals("none")) {
        return null;
      }
      int colon = gd.indexOf(':');
      String kind = colon < 0 ? gd : gd.substring(0, colon);
      double scale;
      try {
        scale = colon < 0 ? Double.NaN : Double.parseDouble(gd.substring(colon + 1));
      } catch (NumberFormatException e) {
        scale = Double.NaN;
      }
      if (!(kind.equals("cfg") || kind.equals("classifier")) || !Double.isFinite(scale)) {
        throw usage(
            "--guidance must be none, cfg:W or classifier:S with a finite number, got " + guidance);
      }
      if (kind.equals("classifier")) {
        throw usage("classifier guidance needs --classifier FILE");
      }
      return scale;
    }

    /**
     * Loads the checkpoint, samples, writes the pictures and records the run.
     *
     * @param console where progress lines go
     * @return the exit code (0)
     * @throws ParameterException for bad options or a checkpoint that cannot be loaded
     */
    int sample(PrintStream console) {
      if (n < 1) {
        throw usage("--n must be >= 1, got " + n);
      }
      if (every < 0) {
        throw usage("--every must be >= 0, got " + every);
      }
      String which = sampler.trim().toLowerCase(Locale.ROOT);
      if (!which.equals("ddpm") && !which.equals("ddim")) {
        throw usage("--sampler must be ddpm or ddim, got " + sampler);
      }
      if (which.equals("ddpm") && eta != 0) {
        throw usage("--eta is for DDIM; DDPM's noise is fixed by its variance, got --eta " + eta);
      }
      Double w = guidanceWeight();
      DenoiserCheckpoint.Loaded loaded;
      try {
        loaded = DenoiserCheckpoint.load(checkpoint);
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw usage("cannot load --checkpoint " + checkpoint + ": " + e.getMessage());
      }
      DenoiserCheckpoint.Meta meta = loaded.meta();
      int classes = meta.numClasses();
      if (w != null && classes == 0) {
        throw usage(
            "classifier-free guidance needs a class-conditional model, but "
                + checkpoint
                + " is unconditional (0 classes)");
      }
      if (cls != null && classes == 0) {
        throw usage("--class needs a class-conditional model, but " + checkpoint + " has none");
      }
      if (cls != null && (cls < 0 || cls >= classes)) {
        throw usage("--class must be in [0, " + classes + "), got " + cls);
      }
      int total = meta.timesteps();
      boolean ddim = which.equals("ddim");
      int sampleSteps = ddim ? steps : total;
      // images live in [-1, 1], so DDPM's and DDIM's usual x̂0 clipping applies; 2-D toys are not
      // bounded that way
      boolean clip = meta.isImage();
      DdpmSampler ddpmSampler = null;
      DdimSampler ddimSampler = null;
      try {
        if (ddim) {
          ddimSampler = new DdimSampler(loaded.diffusion(), steps, eta, clip);
        } else {
          ddpmSampler = new DdpmSampler(loaded.diffusion(), DdpmSampler.Variance.POSTERIOR, clip);
        }
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      int capture = every > 0 ? every : Math.max(1, sampleSteps / 10);
      long[] labels = classes == 0 ? null : new long[n];
      for (int i = 0; labels != null && i < n; i++) {
        labels[i] = cls != null ? cls : i % classes;
      }
      String what =
          String.format(
              Locale.ROOT,
              "%s (%d steps%s)%s%s",
              ddim ? "DDIM" : "DDPM",
              sampleSteps,
              ddim ? ", η " + eta : "",
              w == null ? "" : ", classifier-free guidance w " + w,
              classes == 0 ? "" : cls != null ? ", class " + cls : ", classes cycled");
      console.printf(
          Locale.ROOT,
          "Sampling %d from %s (%s %s, T = %d, step %d) with %s%n",
          n,
          checkpoint,
          loaded.kind(),
          meta.data(),
          total,
          meta.step(),
          what);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("checkpoint", checkpoint.toAbsolutePath().toString());
      settings.put("model", loaded.kind());
      settings.put("data", meta.data());
      settings.put("sampler", which);
      settings.put("steps", sampleSteps);
      settings.put("eta", ddim ? eta : 0.0);
      settings.put("guidance", guidance);
      settings.put("class", cls == null ? "cycled" : cls.toString());
      settings.put("n", n);
      settings.put("seed", seed);
      settings.put("every", capture);
      Run run =
          RunRecords.start(
              noTrack ? null : runsDir, "residual-diffusion", 0, "diffusion", "sample");
      DdpmSampler ddpmS = ddpmSampler;
      DdimSampler ddimS = ddimSampler;
      Tensor y = labels == null ? null : Tensor.of(labels);
      return RunRecords.record(
          run,
          console::println,
          () -> {
            if (run != null) {
              run.config(settings);
            }
            Denoiser model =
                w == null
                    ? loaded.denoiser()
                    : new ClassifierFreeGuidance(loaded.denoiser(), w, classes);
            Generator g = new Generator(seed);
            DType dtype = loaded.model().parameters().get(0).dtype();
            Tensor xT = Tensor.randn(g, meta.batchShape(n)).to(dtype);
            long start = System.nanoTime();
            Trajectory tr =
                ddimS != null
                    ? ddimS.sampleTrajectory(model, xT, y, g, capture)
                    : ddpmS.sampleTrajectory(model, xT, y, g, capture);
            double seconds = (System.nanoTime() - start) / 1e9;
            BufferedImage samples;
            BufferedImage trajectory;
            String quality = "";
            if (meta.isImage()) {
              String[] captions = null;
              if (labels != null) {
                captions = new String[n];
                for (int i = 0; i < n; i++) {
                  captions[i] = Long.toString(labels[i]);
                }
              }
              samples = SamplePlots.sampleGrid(tr.sample(), captions, 8);
              trajectory = SamplePlots.trajectoryStrip(tr, 4);
            } else {
              Map<String, Tensor> groups = new LinkedHashMap<>();
              ToyExperiment.Data toy = null;
              if (meta.data().startsWith("toy:") && meta.sampleShape()[0] == 2) {
                try {
                  toy = ToyExperiment.dataOf(meta.data());
                } catch (IllegalArgumentException unknownToy) {
                  // a toy this build does not know: show the samples alone
                }
              }
              if (toy != null) {
                Tensor truth = ToyExperiment.sample(toy, n, new Generator(seed + 1));
                Tensor truth2 = ToyExperiment.sample(toy, n, new Generator(seed + 2));
                double[] bw = Mmd.DEFAULT_BANDWIDTHS;
                double mmd =
                    Mmd.mmd2(tr.sample().to(DType.FLOAT32), truth, bw, Mmd.Estimator.BIASED);
                double floor = Mmd.mmd2(truth2, truth, bw, Mmd.Estimator.BIASED);
                quality =
                    String.format(
                        Locale.ROOT,
                        "MMD² vs %d true points %.2e (true vs true %.2e: %.1fx). ",
                        n,
                        mmd,
                        floor,
                        mmd / floor);
                if (run != null) {
                  run.summary("mmd2", mmd);
                  run.summary("mmd2_true_vs_true", floor);
                }
                groups.put("true", truth);
              }
              groups.put(what, tr.sample());
              samples = SamplePlots.scatter(meta.data() + ": samples", groups, 700, 700);
              trajectory = SamplePlots.trajectoryScatter(tr);
            }
            Path dir = out != null ? out : run != null ? run.dir() : Path.of("diffusion-samples");
            Plots.savePng(samples, dir.resolve("samples.png"));
            Plots.savePng(trajectory, dir.resolve("trajectory.png"));
            if (run != null) {
              run.logImage(0, "samples", samples);
              run.logImage(0, "trajectory", trajectory);
              run.summary("sample_seconds", seconds);
              run.summary("sampler", what);
            }
            console.printf(
                Locale.ROOT,
                "Sampled %d in %.2f s (%.1f ms per step). %sSamples: %s; trajectory: %s%n",
                n,
                seconds,
                1000 * seconds / sampleSteps,
                quality,
                dir.resolve("samples.png").toAbsolutePath(),
                dir.resolve("trajectory.png").toAbsolutePath());
            return 0;
          });
    }
  }

  /**
   * Runs {@code c}, printing progress and the summary, without saving a checkpoint; used by the
   * demo.
   */
  public static int run(ToyExperiment.Config c, PrintStream out, Path runsDir, Path figures) {
    return run(c, out, runsDir, figures, false, null);
  }

  /**
   * Runs {@code c}, printing progress and the summary.
   *
   * @param runsDir the root of run directories, or null to record no run
   * @param figures where the scatter plot goes, or null for the run's directory
   * @param save whether to save the EMA model as a {@link DenoiserCheckpoint}
   * @param checkpoint where to save it, or null for {@code checkpoint/} beside the scatter plot
   */
  private static int run(
      ToyExperiment.Config c,
      PrintStream out,
      Path runsDir,
      Path figures,
      boolean save,
      Path checkpoint) {
    out.printf(
        Locale.ROOT,
        "Diffusion on 2-D %s: MLP denoiser, T = %d, %d steps; sampling with DDPM and DDIM (%d"
            + " steps)%n",
        c.data().name().toLowerCase(Locale.ROOT),
        c.timesteps(),
        c.steps(),
        c.ddimSteps());
    Run run = RunRecords.start(runsDir, "residual-diffusion", c.steps(), "diffusion", "toy");
    return RunRecords.record(
        run,
        out::println,
        () -> {
          if (run != null) {
            run.config(c);
          }
          Path dir =
              figures != null ? figures : run != null ? run.dir() : Path.of("diffusion-demo");
          Path ckpt = !save ? null : checkpoint != null ? checkpoint : dir.resolve("checkpoint");
          ToyExperiment.Result r = ToyExperiment.run(c, out::println, run, ckpt);
          Plots.savePng(r.plot(), dir.resolve("samples.png"));
          out.printf(
              Locale.ROOT,
              "%s; %.1f s. Scatter plot: %s%n",
              r.summary(),
              r.seconds(),
              dir.resolve("samples.png").toAbsolutePath());
          if (ckpt != null) {
            out.println("Checkpoint (EMA weights): " + ckpt.toAbsolutePath());
          }
          return 0;
        });
  }
}
