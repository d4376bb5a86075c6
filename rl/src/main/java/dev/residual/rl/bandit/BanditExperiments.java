package dev.residual.rl.bandit;

import dev.residual.plot.LineChart;
import dev.residual.track.Run;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reproduces the 10-armed testbed figures 2.2 to 2.5 of Sutton and Barto (2018) and writes them as
 * PNG charts:
 *
 * <ul>
 *   <li>{@code fig2_2_reward.png}, {@code fig2_2_optimal.png}: greedy, ε = 0.01 and ε = 0.1 with
 *       sample averages;
 *   <li>{@code fig2_3_optimal.png}: optimistic greedy ({@code Q1 = 5}, α = 0.1) against realistic
 *       ε-greedy (ε = 0.1, {@code Q1 = 0}, α = 0.1);
 *   <li>{@code fig2_4_reward.png}: UCB with c = 2 against ε-greedy with ε = 0.1;
 *   <li>{@code fig2_5_optimal.png}: the gradient bandit with α = 0.1 and 0.4, with and without
 *       baseline, on arms whose true values are drawn from N(+4, 1).
 * </ul>
 *
 * The book uses 2000 runs of 1000 steps. Every figure uses the same testbed seed, so the runs of
 * figures 2.2 to 2.4 meet the same bandit problems. {@link #exercise25} adds the non-stationary
 * comparison of exercise 2.5 as a separate, longer experiment.
 */
public final class BanditExperiments {
  /** The chart size in pixels. */
  static final int WIDTH = 900;

  static final int HEIGHT = 540;

  private BanditExperiments() {}

  /** The contenders of one figure and which curves it draws. */
  private record Figure(
      String key,
      String title,
      double meanOffset,
      boolean stationary,
      boolean reward,
      boolean optimal,
      List<Testbed.Contender> contenders) {}

  private static List<Figure> figures() {
    return List.of(
        new Figure(
            "fig2_2",
            "Figure 2.2: ε-greedy with sample averages",
            0.0,
            true,
            true,
            true,
            List.of(
                Testbed.Contender.of("ε=0 (greedy)", () -> EpsilonGreedy.sampleAverage(0.0)),
                Testbed.Contender.of("ε=0.01", () -> EpsilonGreedy.sampleAverage(0.01)),
                Testbed.Contender.of("ε=0.1", () -> EpsilonGreedy.sampleAverage(0.1)))),
        new Figure(
            "fig2_3",
            "Figure 2.3: optimistic initial values (α=0.1)",
            0.0,
            true,
            false,
            true,
            List.of(
                Testbed.Contender.of(
                    "optimistic greedy Q1=5, ε=0", () -> EpsilonGreedy.constantStep(0.0, 0.1, 5.0)),
                Testbed.Contender.of(
                    "realistic ε-greedy Q1=0, ε=0.1",
                    () -> EpsilonGreedy.constantStep(0.1, 0.1, 0.0)))),
        new Figure(
            "fig2_4",
            "Figure 2.4: UCB against ε-greedy",
            0.0,
            true,
            true,
            false,
            List.of(
                Testbed.Contender.of("UCB c=2", () -> new Ucb(2.0)),
                Testbed.Contender.of("ε-greedy ε=0.1", () -> EpsilonGreedy.sampleAverage(0.1)))),
        new Figure(
            "fig2_5",
            "Figure 2.5: gradient bandit, true values ~ N(+4, 1)",
            4.0,
            true,
            false,
            true,
            List.of(
                Testbed.Contender.of("α=0.1 with baseline", () -> new GradientBandit(0.1, true)),
                Testbed.Contender.of("α=0.4 with baseline", () -> new GradientBandit(0.4, true)),
                Testbed.Contender.of(
                    "α=0.1 without baseline", () -> new GradientBandit(0.1, false)),
                Testbed.Contender.of(
                    "α=0.4 without baseline", () -> new GradientBandit(0.4, false)))));
  }

  /**
   * Runs the four figures, writes their PNGs into {@code outDir}, logs the images (at step {@code
   * steps}), the per-step curves and summary values to {@code run} when it is not null, and prints
   * a summary table to standard output. Uses one thread per available processor; the results do not
   * depend on the thread count.
   *
   * @param outDir where the PNGs go (created if missing)
   * @param runs independent runs per agent (the book: 2000)
   * @param steps steps per run (the book: 1000)
   * @param seed the testbed seed
   * @param run a run to record into, or null
   * @return the results by figure key ({@code fig2_2} … {@code fig2_5}), agents in the figure's
   *     order
   * @throws IllegalArgumentException if {@code runs} or {@code steps} is below 1
   * @throws java.io.UncheckedIOException if a PNG cannot be written
   * @throws IllegalStateException if no fonts are available for the charts
   */
  public static Map<String, List<Testbed.Result>> run(
      Path outDir, int runs, int steps, long seed, Run run) {
    return run(outDir, runs, steps, seed, run, 0, System.out);
  }

  /**
   * As {@link #run(Path, int, int, long, Run)} with an explicit thread count (0 = one per
   * processor) and the stream the summary table is printed to (null for none).
   */
  public static Map<String, List<Testbed.Result>> run(
      Path outDir, int runs, int steps, long seed, Run run, int threads, PrintStream out) {
    checkSizes("run", runs, steps);
    if (run != null) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("runs", runs);
      config.put("steps", steps);
      config.put("seed", seed);
      config.put("arms", 10);
      run.config(config);
    }
    Map<String, List<Testbed.Result>> all = new LinkedHashMap<>();
    for (Figure f : figures()) {
      all.put(f.key(), runFigure(f, outDir, runs, steps, seed, run, threads, out));
    }
    if (run != null) {
      logCurves(run, all, steps);
    }
    return all;
  }

  /**
   * Exercise 2.5 of the book: on non-stationary bandits (all arm values start at 0 and random-walk
   * with N(0, 0.01²) increments), ε-greedy with sample averages against ε-greedy with a constant
   * step size α = 0.1, both with ε = 0.1. Writes {@code ex2_5_reward.png} and {@code
   * ex2_5_optimal.png}, logs the images and summary values to {@code run} (not the per-step curves,
   * whose steps would repeat those of {@link #run} in the same run) and prints a table. The book
   * suggests 10,000 steps; the constant step size pulls ahead after a few thousand.
   *
   * @param outDir where the PNGs go (created if missing)
   * @param runs independent runs per agent
   * @param steps steps per run
   * @param seed the testbed seed
   * @param run a run to record into, or null
   * @param threads worker threads (0 = one per processor); the results do not depend on it
   * @param out where the summary table is printed, or null
   * @return one result per agent: sample averages, then constant step size
   * @throws IllegalArgumentException if {@code runs} or {@code steps} is below 1
   * @throws java.io.UncheckedIOException if a PNG cannot be written
   */
  public static List<Testbed.Result> exercise25(
      Path outDir, int runs, int steps, long seed, Run run, int threads, PrintStream out) {
    checkSizes("exercise25", runs, steps);
    Figure f =
        new Figure(
            "ex2_5",
            "Exercise 2.5: non-stationary arms, ε=0.1",
            0.0,
            false,
            true,
            true,
            List.of(
                Testbed.Contender.of("sample averages", () -> EpsilonGreedy.sampleAverage(0.1)),
                Testbed.Contender.of(
                    "constant step α=0.1", () -> EpsilonGreedy.constantStep(0.1, 0.1, 0.0))));
    return runFigure(f, outDir, runs, steps, seed, run, threads, out);
  }

  private static void checkSizes(String op, int runs, int steps) {
    if (runs < 1 || steps < 1) {
      throw new IllegalArgumentException(
          "BanditExperiments."
              + op
              + ": runs and steps must be >= 1, got runs="
              + runs
              + ", steps="
              + steps);
    }
  }

  private static List<Testbed.Result> runFigure(
      Figure f,
      Path outDir,
      int runs,
      int steps,
      long seed,
      Run run,
      int threads,
      PrintStream out) {
    long t0 = System.nanoTime();
    Testbed testbed =
        Testbed.builder()
            .runs(runs)
            .steps(steps)
            .seed(seed)
            .meanOffset(f.meanOffset())
            .stationary(f.stationary())
            .threads(threads)
            .build();
    List<Testbed.Result> results = testbed.run(f.contenders());
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (f.reward()) {
      save(outDir, run, steps, f.key() + "_reward", rewardChart(f.title(), results));
    }
    if (f.optimal()) {
      save(outDir, run, steps, f.key() + "_optimal", optimalChart(f.title(), results));
    }
    if (run != null) {
      summarize(run, f.key(), results, seconds);
    }
    if (out != null) {
      printTable(out, f.title(), results, seconds);
    }
    return results;
  }

  /** The curve x values 1 … steps (the book counts steps from 1). */
  private static double[] stepAxis(int steps) {
    double[] x = new double[steps];
    for (int t = 0; t < steps; t++) {
      x[t] = t + 1;
    }
    return x;
  }

  /** A chart of the average reward per step of every result. */
  public static LineChart rewardChart(String title, List<Testbed.Result> results) {
    LineChart c = new LineChart().title(title).xLabel("Steps").yLabel("Average reward");
    for (Testbed.Result r : results) {
      c.series(r.name(), stepAxis(r.steps()), r.averageReward());
    }
    return c;
  }

  /** A chart of the % optimal action per step of every result. */
  public static LineChart optimalChart(String title, List<Testbed.Result> results) {
    LineChart c = new LineChart().title(title).xLabel("Steps").yLabel("% Optimal action");
    for (Testbed.Result r : results) {
      double[] pct = new double[r.steps()];
      for (int t = 0; t < pct.length; t++) {
        pct[t] = 100 * r.optimalFraction()[t];
      }
      c.series(r.name(), stepAxis(r.steps()), pct);
    }
    return c;
  }

  private static void save(Path outDir, Run run, int steps, String key, LineChart chart) {
    BufferedImage image = chart.toImage(WIDTH, HEIGHT);
    dev.residual.plot.Plots.savePng(image, outDir.resolve(key + ".png"));
    if (run != null) {
      run.logImage(steps, key, image);
    }
  }

  /** The window the summary averages over: the last 100 steps, or all when fewer. */
  private static int tail(int steps) {
    return Math.max(0, steps - 100);
  }

  /** A metric-name fragment: ASCII letters, digits, '.', '=', '_' (others become '_'). */
  static String metricName(String name) {
    String ascii = name.replace("ε", "eps").replace("α", "alpha");
    StringBuilder sb = new StringBuilder(ascii.length());
    for (char ch : ascii.toCharArray()) {
      boolean ok = ch < 128 && (Character.isLetterOrDigit(ch) || ch == '.' || ch == '=');
      sb.append(ok ? ch : '_');
    }
    return sb.toString();
  }

  private static void summarize(Run run, String fig, List<Testbed.Result> results, double seconds) {
    int steps = results.get(0).steps();
    for (Testbed.Result r : results) {
      String p = fig + "/" + metricName(r.name());
      run.summary(p + "/optimal_pct_last100", 100 * r.meanOptimal(tail(steps), steps));
      run.summary(p + "/reward_last100", r.meanReward(tail(steps), steps));
      run.summary(p + "/reward_mean", r.meanReward(0, steps));
    }
    run.summary(fig + "/seconds", seconds);
  }

  /** Logs every curve of every figure, one record per step so steps only increase. */
  private static void logCurves(Run run, Map<String, List<Testbed.Result>> all, int steps) {
    for (int t = 0; t < steps; t++) {
      Map<String, Number> m = new LinkedHashMap<>();
      for (Map.Entry<String, List<Testbed.Result>> e : all.entrySet()) {
        for (Testbed.Result r : e.getValue()) {
          String p = e.getKey() + "/" + metricName(r.name());
          m.put(p + "/reward", r.averageReward()[t]);
          m.put(p + "/optimal_pct", 100 * r.optimalFraction()[t]);
        }
      }
      run.log(t + 1, m);
    }
  }

  /**
   * Prints one row per agent: % optimal and average reward over the last 100 steps, and overall.
   */
  static void printTable(PrintStream out, String title, List<Testbed.Result> results, double s) {
    int steps = results.get(0).steps();
    int from = tail(steps);
    out.printf(
        Locale.ROOT, "%s (%d runs x %d steps, %.2f s)%n", title, results.get(0).runs(), steps, s);
    out.printf(
        Locale.ROOT,
        "  %-32s %14s %14s %14s%n",
        "agent",
        "% optimal*",
        "avg reward*",
        "avg reward all");
    for (Testbed.Result r : results) {
      out.printf(
          Locale.ROOT,
          "  %-32s %14.2f %14.4f %14.4f%n",
          r.name(),
          100 * r.meanOptimal(from, steps),
          r.meanReward(from, steps),
          r.meanReward(0, steps));
    }
    out.printf(Locale.ROOT, "  * averaged over steps %d..%d%n", from + 1, steps);
  }
}
