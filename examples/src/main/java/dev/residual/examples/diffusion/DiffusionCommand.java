package dev.residual.examples.diffusion;

import dev.residual.diffusion.ToyExperiment;
import dev.residual.examples.cli.RunRecords;
import dev.residual.plot.Plots;
import dev.residual.track.Run;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code residual diffusion train --data toy:NAME}: a 2-D diffusion run (MLP denoiser, DDPM and
 * DDIM sampling, MMD and mode coverage, a scatter plot in the run report). MNIST and the U-Net are
 * not wired to the command line yet.
 */
@Command(
    name = "diffusion",
    mixinStandardHelpOptions = true,
    description = "Diffusion models: train on 2-D toy data and sample with DDPM and DDIM.",
    subcommands = {DiffusionCommand.Train.class})
public final class DiffusionCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a subcommand: train");
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
      return run(c, System.out, noTrack ? null : runsDir, out);
    }
  }

  /** Runs {@code c}, printing progress and the summary; also used by the demo. */
  public static int run(ToyExperiment.Config c, PrintStream out, Path runsDir, Path figures) {
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
          ToyExperiment.Result r = ToyExperiment.run(c, out::println, run);
          Path dir =
              figures != null ? figures : run != null ? run.dir() : Path.of("diffusion-demo");
          Plots.savePng(r.plot(), dir.resolve("samples.png"));
          out.printf(
              Locale.ROOT,
              "%s; %.1f s. Scatter plot: %s%n",
              r.summary(),
              r.seconds(),
              dir.resolve("samples.png").toAbsolutePath());
          return 0;
        });
  }
}
