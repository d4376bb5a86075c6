package dev.residual.examples.interp;

import dev.residual.examples.cli.RunRecords;
import dev.residual.interp.InductionStudy;
import dev.residual.track.Run;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code residual interp} command group. */
@Command(
    name = "interp",
    mixinStandardHelpOptions = true,
    description = "Mechanistic-interpretability studies, end to end.",
    subcommands = {InterpCommand.Induction.class})
public final class InterpCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a subcommand: induction");
  }

  /**
   * {@code interp induction}: trains a 2-layer attention-only transformer, finds its previous-token
   * and induction heads, measures in-context learning and K-composition, and writes the figures
   * into the run's report ({@link InductionStudy}).
   */
  @Command(
      name = "induction",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Train a 2-layer attention-only transformer on random tokens with planted repeats, then"
            + " find its previous-token head (layer 0) and induction heads (layer 1) with ARENA's"
            + " detectors on [BOS] + 50 random tokens + the same again, show in-context learning"
            + " and the K-composition between the two heads, and plot it all into the run report.",
        "About 1-3 minutes on 2 cores; --quick runs the short version (32-token contexts,"
            + " evaluated on [BOS] + 15 + 15) in about 15 s."
      })
  public static final class Induction implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "The short version (as in `residual demo`).")
    boolean quick;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed (default: 0).")
    Long seed;

    @Option(
        names = "--short-steps",
        paramLabel = "N",
        description = "Steps on 32-token contexts (default: 1000).")
    Integer shortSteps;

    @Option(
        names = "--long-steps",
        paramLabel = "N",
        description = "Steps on full-length contexts (default: 1500; 0 with --quick).")
    Integer longSteps;

    @Option(
        names = "--runs-dir",
        paramLabel = "DIR",
        defaultValue = "runs",
        description = "Root of the local run directories (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--no-track", description = "Do not record a run; write figures to --out.")
    boolean noTrack;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description =
            "Where the figures and summary.json go (default: the run's directory/induction, or"
                + " induction-study with --no-track).")
    Path out;

    @Override
    public Integer call() {
      InductionStudy.Config c =
          quick ? InductionStudy.Config.quick() : InductionStudy.Config.defaults();
      try {
        c =
            c.withSteps(
                    shortSteps == null ? c.shortSteps() : shortSteps,
                    longSteps == null ? c.longSteps() : longSteps)
                .withSeed(seed == null ? c.seed() : seed);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      return run(c, spec.commandLine().getOut(), noTrack ? null : runsDir, out);
    }
  }

  /**
   * Runs the study with {@code c}, printing progress and the findings to {@code out}; records a run
   * under {@code runsDir} (unless null) whose report holds the figures, and writes them to {@code
   * figures} (default: the run's {@code induction/} directory, or {@code induction-study}).
   *
   * @return 0
   */
  public static int run(InductionStudy.Config c, PrintWriter out, Path runsDir, Path figures) {
    out.printf(
        Locale.ROOT,
        "Induction heads: 2-layer attention-only transformer, d_model %d, %d heads, vocab %d;"
            + " %d steps on %d tokens + %d steps on %d tokens; seed %d%n",
        c.dModel(),
        c.nHeads(),
        c.vocab(),
        c.shortSteps(),
        c.shortContext(),
        c.longSteps(),
        1 + 2 * c.evalSeqLen(),
        c.seed());
    out.flush();
    Run run =
        RunRecords.start(
            runsDir,
            "residual-interp",
            c.shortSteps() + c.longSteps(),
            "induction-heads",
            "attn-only");
    RunRecords.record(
        run,
        out::println,
        () -> {
          if (run != null) {
            run.config(c);
          }
          int every = Math.max(c.evalEvery(), (c.shortSteps() + c.longSteps()) / 10);
          InductionStudy.Result r =
              InductionStudy.run(
                  c,
                  s -> {
                    if (s.step() % every == 0 || s.step() == c.shortSteps() + c.longSteps()) {
                      out.printf(
                          Locale.ROOT,
                          "step %5d (%3d tokens)  train loss %.3f  eval loss first copy %.3f,"
                              + " repeat %.3f  best prev-token L0 %.2f  best induction L1 %.2f%n",
                          s.step(),
                          s.context(),
                          s.trainLoss(),
                          s.firstHalfLoss(),
                          s.secondHalfLoss(),
                          s.bestPreviousToken(),
                          s.bestInduction());
                      out.flush();
                    }
                  },
                  run);
          Path dir =
              figures != null
                  ? figures
                  : run != null ? run.dir().resolve("induction") : Path.of("induction-study");
          InductionStudy.report(r, dir, run);
          out.print(r.summaryWithCircuits());
          out.printf(
              Locale.ROOT, "Done in %.1f s. Figures: %s%n", r.seconds(), dir.toAbsolutePath());
          return 0;
        });
    out.flush();
    return 0;
  }
}
