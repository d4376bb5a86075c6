package dev.residual.examples.diffusion;

import dev.residual.diffusion.ClassifierFreeGuidance;
import dev.residual.diffusion.ClassifierGuidance;
import dev.residual.diffusion.DdimSampler;
import dev.residual.diffusion.DdpmSampler;
import dev.residual.diffusion.Denoiser;
import dev.residual.diffusion.DenoiserCheckpoint;
import dev.residual.diffusion.ImageTrainer;
import dev.residual.diffusion.MnistExperiment;
import dev.residual.diffusion.ToyExperiment;
import dev.residual.diffusion.Trajectory;
import dev.residual.diffusion.eval.Mmd;
import dev.residual.diffusion.eval.MnistClassifier;
import dev.residual.diffusion.eval.MnistJudge;
import dev.residual.diffusion.eval.SamplePlots;
import dev.residual.diffusion.models.UNet;
import dev.residual.examples.cli.RunRecords;
import dev.residual.plot.Plots;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
    subcommands = {
      DiffusionCommand.Train.class,
      DiffusionCommand.Sample.class,
      DiffusionCommand.Evaluate.class,
      DiffusionCommand.TrainClassifier.class
    })
public final class DiffusionCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing a subcommand: train, sample, evaluate or classifier");
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
        description =
            "toy:swissroll, toy:moons, toy:eightgaussians or mnist (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(
        names = "--model",
        description = "mlp (2-D toys, the default there) or unet (mnist, the default there).")
    String model;

    @Option(
        names = "--steps",
        description =
            "Training steps (default: 8000 for eight Gaussians, about a minute on 2 cores; 20000"
                + " for moons and the swiss roll; the demo's short run uses 2000; 3000 for"
                + " mnist, about an hour and a quarter on 2 cores). A resumed MNIST run continues"
                + " up to this count.")
    Integer steps;

    @Option(
        names = "--mnist-dir",
        paramLabel = "DIR",
        defaultValue = "../shared/data/mnist-10k",
        description = "MNIST IDX files for --data mnist (default: ${DEFAULT-VALUE}).")
    Path mnistDir;

    @Option(
        names = "--base",
        defaultValue = "16",
        description = "U-Net base channels for --data mnist (default: ${DEFAULT-VALUE}).")
    int base;

    @Option(
        names = "--batch",
        defaultValue = "64",
        description = "Batch size for --data mnist (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
        names = "--lr",
        defaultValue = "1e-3",
        description = "Peak AdamW learning rate for --data mnist (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
        names = "--lr-decay-end",
        paramLabel = "STEP",
        defaultValue = "0",
        description =
            "For --data mnist: cosine-decay the learning rate from --lr after --lr-decay-start to"
                + " --min-lr at this step (default 0: constant after the warm-up). A run trained at"
                + " a constant rate can be resumed with a decay appended.")
    int lrDecayEnd;

    @Option(
        names = "--lr-decay-start",
        paramLabel = "STEP",
        defaultValue = "0",
        description =
            "The last step at the peak learning rate before the decay (default: the warm-up's"
                + " end).")
    int lrDecayStart;

    @Option(
        names = "--min-lr",
        defaultValue = "0",
        description = "The learning rate at --lr-decay-end (default: ${DEFAULT-VALUE}).")
    double minLr;

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
      String kind = model == null ? null : model.trim().toLowerCase(Locale.ROOT);
      if (data.trim().equalsIgnoreCase("mnist")) {
        if (kind != null && !kind.equals("unet")) {
          throw new ParameterException(
              spec.commandLine(), "--data mnist trains a U-Net; --model " + model + " is for toys");
        }
        return trainMnist(System.out);
      }
      if (kind != null && !kind.equals("mlp")) {
        throw new ParameterException(
            spec.commandLine(),
            "--data " + data + " trains an MLP; --model " + model + " is for mnist");
      }
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
        // The thin arms of the swiss roll and the moons need more steps than the eight blobs to
        // come within 2x of the true-vs-true MMD with DDIM (at 8,000 steps: 2.7x for both; at
        // 20,000: 1.8x and 1.4x).
        int steps =
            this.steps != null
                ? this.steps
                : d == ToyExperiment.Data.EIGHT_GAUSSIANS ? 8000 : 20000;
        c = new ToyExperiment.Config(d, steps, 256, 2e-3, timesteps, ddimSteps, 2000, seed);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      return run(c, System.out, noTrack ? null : runsDir, out, true, checkpoint);
    }

    /**
     * Trains the class-conditional MNIST U-Net ({@link MnistExperiment}); the output directory
     * (--checkpoint, default {@code checkpoint/} in the run's directory or in --out) holds the
     * resumable trainer state and the EMA model for {@code diffusion sample}. Running the same
     * command again with the same --checkpoint resumes.
     */
    int trainMnist(PrintStream console) {
      MnistExperiment.Config c;
      try {
        MnistExperiment.Config std =
            MnistExperiment.Config.standard(mnistDir, steps == null ? 3000 : steps);
        UNet.Config m = std.model();
        c =
            new MnistExperiment.Config(
                mnistDir,
                new UNet.Config(
                    1,
                    base,
                    m.channelMults(),
                    m.numResBlocks(),
                    m.attentionLevels(),
                    m.midAttention(),
                    m.numGroups(),
                    m.dropout(),
                    m.numClasses()),
                new ImageTrainer.Config(
                    batch,
                    lr,
                    std.trainer().weightDecay(),
                    std.trainer().warmupSteps(),
                    std.trainer().emaDecay(),
                    std.trainer().labelDropout(),
                    std.trainer().gradClip(),
                    seed,
                    lrDecayEnd == 0
                        ? 0
                        : lrDecayStart == 0 ? std.trainer().warmupSteps() : lrDecayStart,
                    lrDecayEnd,
                    lrDecayEnd == 0 ? lr : minLr),
                std.timesteps(),
                std.steps(),
                std.checkpointEvery(),
                std.logEvery());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      if (!Files.isDirectory(mnistDir)) {
        throw new ParameterException(
            spec.commandLine(),
            "--mnist-dir " + mnistDir + " is not a directory with MNIST IDX files");
      }
      Run run =
          RunRecords.start(
              noTrack ? null : runsDir, "residual-diffusion", c.steps(), "diffusion", "mnist");
      return RunRecords.record(
          run,
          console::println,
          () -> {
            if (run != null) {
              run.config(c);
            }
            Path dir = out != null ? out : run != null ? run.dir() : Path.of("diffusion-mnist");
            Path ckpt = checkpoint != null ? checkpoint : dir.resolve("checkpoint");
            long start = System.nanoTime();
            ImageTrainer t;
            try {
              t = MnistExperiment.train(c, ckpt, console::println, run);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            console.printf(
                Locale.ROOT,
                "Trained to step %d in %.0f s. EMA model: %s (sample it with `residual diffusion"
                    + " sample --checkpoint %s`)%n",
                t.step(),
                (System.nanoTime() - start) / 1e9,
                MnistExperiment.modelDir(ckpt).toAbsolutePath(),
                MnistExperiment.modelDir(ckpt));
            return 0;
          });
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
        names = "--spacing",
        defaultValue = "uniform",
        description =
            "DDIM timestep spacing: uniform (floor(i·T/S), from 0), linspace or trailing (both end"
                + " at T − 1) (default: ${DEFAULT-VALUE}).")
    String spacing;

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

    @Option(
        names = "--classifier",
        paramLabel = "FILE",
        description =
            "A time-conditioned MnistClassifier (safetensors) for --guidance classifier:S; it"
                + " steers the model's unconditional prediction towards --class.")
    Path classifier;

    @Option(
        names = "--judge",
        paramLabel = "FILE",
        description =
            "A clean MnistClassifier that judges image samples: requested-class accuracy, class"
                + " histogram and FID-MNIST against the test set in --mnist-dir.")
    Path judge;

    @Option(
        names = "--mnist-dir",
        paramLabel = "DIR",
        defaultValue = "../shared/data/mnist-10k",
        description = "MNIST IDX files, the judge's reference (default: ${DEFAULT-VALUE}).")
    Path mnistDir;

    private Double classifierScale;

    @Override
    public Integer call() {
      return sample(System.out);
    }

    private DdimSampler.Spacing spacing() {
      try {
        return DdimSampler.Spacing.valueOf(spacing.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw usage("unknown --spacing " + spacing + " (uniform, linspace, trailing)");
      }
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
        if (classifier == null) {
          throw usage(
              "classifier guidance needs --classifier FILE (a time-conditioned classifier)");
        }
        classifierScale = scale;
        return null;
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
      DdimSampler.Spacing ddimSpacing = spacing();
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
      ClassifierGuidance cg = null;
      if (classifierScale != null) {
        if (!meta.isImage()) {
          throw usage(
              "classifier guidance is for MNIST checkpoints; "
                  + checkpoint
                  + " holds "
                  + meta.data());
        }
        MnistClassifier noisy;
        try {
          noisy = MnistClassifier.load(classifier);
        } catch (IOException | IllegalArgumentException e) {
          throw usage("cannot load --classifier " + classifier + ": " + e.getMessage());
        }
        if (!noisy.isTimeConditioned()) {
          throw usage(
              "--classifier "
                  + classifier
                  + " is a clean classifier; guidance needs one trained on"
                  + " noisy images (time-conditioned)");
        }
        cg = new ClassifierGuidance(noisy, classifierScale);
        if (classes == 0 && cls == null) {
          throw usage("classifier guidance needs --class C for an unconditional model");
        }
      }
      MnistJudge judged = null;
      if (judge != null) {
        if (!meta.isImage()) {
          throw usage("--judge is for MNIST checkpoints; " + checkpoint + " holds " + meta.data());
        }
        try {
          judged = MnistJudge.load(judge, mnistDir);
        } catch (IOException | IllegalArgumentException e) {
          throw usage(
              "cannot load --judge "
                  + judge
                  + " with --mnist-dir "
                  + mnistDir
                  + ": "
                  + e.getMessage());
        }
      }
      try {
        if (ddim) {
          ddimSampler = new DdimSampler(loaded.diffusion(), steps, ddimSpacing, eta, clip, cg);
        } else {
          ddpmSampler =
              new DdpmSampler(loaded.diffusion(), DdpmSampler.Variance.POSTERIOR, clip, cg);
        }
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      int capture = every > 0 ? every : Math.max(1, sampleSteps / 10);
      int labelCount = classes > 0 ? classes : cg != null ? MnistClassifier.CLASSES : 0;
      long[] labels = labelCount == 0 ? null : new long[n];
      for (int i = 0; labels != null && i < n; i++) {
        labels[i] = cls != null ? cls : i % labelCount;
      }
      String what =
          String.format(
              Locale.ROOT,
              "%s (%d steps%s)%s%s",
              ddim ? "DDIM" : "DDPM",
              sampleSteps,
              ddim ? ", η " + eta : "",
              w == null
                  ? cg == null
                      ? ""
                      : ", classifier guidance s " + cg.scale() + " (unconditional model)"
                  : ", classifier-free guidance w " + w,
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
      ClassifierGuidance cgFinal = cg;
      MnistJudge judgeFinal = judged;
      Tensor y = labels == null ? null : Tensor.of(labels);
      return RunRecords.record(
          run,
          console::println,
          () -> {
            if (run != null) {
              run.config(settings);
            }
            // Classifier guidance steers the model's "no label" prediction: the labels go to the
            // classifier alone.
            Denoiser model =
                w != null
                    ? new ClassifierFreeGuidance(loaded.denoiser(), w, classes)
                    : cgFinal != null
                        ? MnistExperiment.unconditional(loaded.denoiser())
                        : loaded.denoiser();
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
              String[] captions = y == null ? null : MnistExperiment.captions(y);
              samples = SamplePlots.sampleGrid(tr.sample(), captions, 8);
              trajectory = SamplePlots.trajectoryStrip(tr, 4);
              if (judgeFinal != null) {
                Tensor images = tr.sample().to(DType.FLOAT32);
                int[] hist = judgeFinal.classHistogram(images);
                StringBuilder q = new StringBuilder();
                if (y != null) {
                  double acc = judgeFinal.requestedClassAccuracy(images, y);
                  q.append(String.format(Locale.ROOT, "Requested class %.1f%%. ", 100 * acc));
                  if (run != null) {
                    run.summary("requested_class_accuracy", acc);
                  }
                }
                q.append("Judge's class histogram ")
                    .append(java.util.Arrays.toString(hist))
                    .append(". ");
                if (n >= 2) {
                  double fid = judgeFinal.fid(images);
                  q.append(String.format(Locale.ROOT, "FID-MNIST %.3f (%d samples). ", fid, n));
                  if (run != null) {
                    run.summary("fid_mnist", fid);
                  }
                }
                if (run != null) {
                  run.summary("class_histogram", java.util.Arrays.toString(hist));
                }
                quality = q.toString();
              }
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
   * {@code diffusion classifier}: trains the MNIST classifiers that diffusion needs: the clean
   * judge ({@code --out judge.safetensors}) or, with {@code --noisy}, the time-conditioned
   * classifier of classifier guidance; see {@link
   * dev.residual.diffusion.eval.ClassifierTraining#main}.
   */
  @Command(
      name = "classifier",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Train an MNIST classifier: the clean judge of samples, or (--noisy) the"
              + " time-conditioned classifier that classifier guidance differentiates.")
  public static final class TrainClassifier implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--mnist-dir",
        paramLabel = "DIR",
        defaultValue = "../shared/data/mnist-10k",
        description = "MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path mnistDir;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Where the classifier is saved (safetensors).")
    Path out;

    @Option(
        names = "--noisy",
        description = "Train on noisy x_t with the time as input (for classifier guidance).")
    boolean noisy;

    @Option(names = "--epochs", description = "Epochs (default: the trainer's).")
    Integer epochs;

    @Option(names = "--batch", description = "Batch size (default: the trainer's).")
    Integer batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(mnistDir)) {
        throw new ParameterException(
            spec.commandLine(),
            "--mnist-dir " + mnistDir + " is not a directory with MNIST IDX files");
      }
      java.util.List<String> args = new java.util.ArrayList<>();
      args.addAll(java.util.List.of("--data", mnistDir.toString(), "--out", out.toString()));
      args.addAll(java.util.List.of("--seed", Long.toString(seed)));
      if (noisy) {
        args.add("--noisy");
      }
      if (epochs != null) {
        if (epochs < 1) {
          throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        }
        args.addAll(java.util.List.of("--epochs", Integer.toString(epochs)));
      }
      if (batch != null) {
        args.addAll(java.util.List.of("--batch", Integer.toString(batch)));
      }
      try {
        dev.residual.diffusion.eval.ClassifierTraining.main(args.toArray(new String[0]));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      return 0;
    }
  }

  /** {@code diffusion evaluate}: the MNIST measurements of the closing note, in one command. */
  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Judge an MNIST diffusion checkpoint: requested-class accuracy under classifier-free"
              + " guidance weights and classifier guidance scales, the class histogram of"
              + " unconditional samples, and FID-MNIST of DDIM and DDPM samples.")
  public static final class Evaluate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--checkpoint",
        required = true,
        paramLabel = "DIR",
        description = "The EMA model (DenoiserCheckpoint) of an MNIST run.")
    Path checkpoint;

    @Option(
        names = "--judge",
        required = true,
        paramLabel = "FILE",
        description = "The clean MnistClassifier that judges samples.")
    Path judge;

    @Option(
        names = "--classifier",
        paramLabel = "FILE",
        description = "A time-conditioned MnistClassifier for classifier guidance (optional).")
    Path classifier;

    @Option(
        names = "--mnist-dir",
        paramLabel = "DIR",
        defaultValue = "../shared/data/mnist-10k",
        description = "MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path mnistDir;

    @Option(
        names = "--n",
        defaultValue = "200",
        description = "Samples per measurement (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(
        names = "--ddim-steps",
        defaultValue = "50",
        description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int ddimSteps;

    @Option(
        names = "--cfg",
        split = ",",
        defaultValue = "0,1,2,3",
        description = "Classifier-free guidance weights (default: ${DEFAULT-VALUE}).")
    double[] cfg;

    @Option(
        names = "--classifier-scales",
        split = ",",
        defaultValue = "0,1,3,10",
        description = "Classifier guidance scales (default: ${DEFAULT-VALUE}).")
    double[] scales;

    @Option(
        names = "--fid-n",
        description =
            "Samples in the DDIM-vs-DDPM FID comparison (default: --n; may exceed it). DDPM runs"
                + " all T steps, so it costs T/ddim-steps times DDIM's time per sample.")
    Integer fidN;

    @Option(names = "--no-ddpm", description = "Skip the DDPM FID (all T steps: the slow part).")
    boolean noDdpm;

    @Option(
        names = "--runs-dir",
        paramLabel = "DIR",
        defaultValue = "runs",
        description = "Root of the local run directories (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--no-track", description = "Do not record a run.")
    boolean noTrack;

    @Override
    public Integer call() {
      if (fidN != null && fidN < 2) {
        throw new ParameterException(spec.commandLine(), "--fid-n must be >= 2, got " + fidN);
      }
      if (n < 10 || ddimSteps < 1) {
        throw new ParameterException(
            spec.commandLine(),
            "--n must be >= 10 and --ddim-steps >= 1, got " + n + ", " + ddimSteps);
      }
      MnistExperiment.Loaded model;
      MnistJudge j;
      MnistClassifier noisy = null;
      try {
        model = new MnistExperiment.Loaded(DenoiserCheckpoint.load(checkpoint));
        j = MnistJudge.load(judge, mnistDir);
        if (classifier != null) {
          noisy = MnistClassifier.load(classifier);
        }
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "cannot load: " + e.getMessage(), e);
      }
      PrintStream console = System.out;
      Run run =
          RunRecords.start(
              noTrack ? null : runsDir, "residual-diffusion", 0, "diffusion", "evaluate");
      MnistClassifier noisyFinal = noisy;
      MnistJudge judgeFinal = j;
      return RunRecords.record(
          run,
          console::println,
          () -> {
            MnistExperiment.Report r =
                MnistExperiment.evaluate(
                    model,
                    judgeFinal,
                    noisyFinal,
                    n,
                    ddimSteps,
                    cfg,
                    noisyFinal == null ? new double[] {0} : scales,
                    !noDdpm,
                    fidN == null ? n : fidN,
                    console::println);
            if (run != null) {
              r.cfgAccuracy().forEach((w, a) -> run.summary("cfg_w" + w + "_accuracy", a));
              r.classifierAccuracy()
                  .forEach((sc, a) -> run.summary("classifier_s" + sc + "_accuracy", a));
              run.summary("fid_ddim", r.fidDdim());
              run.summary("fid_ddim_eta1", r.fidDdimEta1());
              run.summary("fid_ddpm", r.fidDdpm());
              run.summary("fid_floor", r.fidFloor());
              run.summary(
                  "unconditional_histogram", java.util.Arrays.toString(r.unconditionalHistogram()));
              Tensor labels = MnistExperiment.cycledLabels(80);
              Tensor grid =
                  model.sample(labels, MnistExperiment.Sampler.DDIM, ddimSteps, 3.0, null, 7, 80);
              run.logImage(0, "CFG w=3 samples", MnistExperiment.grid(grid, labels, 10));
              Trajectory tr =
                  model.trajectory(
                      MnistExperiment.cycledLabels(4),
                      ddimSteps,
                      3.0,
                      Math.max(1, ddimSteps / 10),
                      8);
              run.logImage(0, "trajectory (DDIM, CFG w=3)", SamplePlots.trajectoryStrip(tr, 4));
            }
            console.printf(Locale.ROOT, "Evaluated in %.0f s%n", r.seconds());
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
