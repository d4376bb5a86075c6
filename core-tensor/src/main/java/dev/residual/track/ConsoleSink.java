package dev.residual.track;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress on the console.
 *
 * <p>On an interactive terminal ({@code System.console() != null} and no {@code CI} variable) it
 * draws a progress bar ({@code me.tongfei:progressbar}) with rate and ETA and the latest metrics as
 * its message. Otherwise (logs, CI, pipes, where carriage returns make a mess) it prints a plain
 * line such as {@code step 120/1000 loss 0.512 lr 0.001 3.2 it/s} at most every {@code everyMillis}
 * or every {@code everySteps} steps, whichever comes first, and always the last step.
 */
public final class ConsoleSink implements Sink {
  private final PrintStream out;
  private final long totalSteps;
  private final boolean interactive;
  private final long everyMillis;
  private final long everySteps;
  private ProgressBar bar;
  private RunInfo run;
  private long firstStep = Long.MIN_VALUE;
  private long firstMillis;
  private long lastPrintedStep = Long.MIN_VALUE;
  private long lastPrintMillis;
  private String pending;

  /**
   * A console sink.
   *
   * @param out where to print
   * @param totalSteps expected steps (0 = unknown)
   * @param interactive draw a progress bar rather than log lines
   * @param everyMillis plain mode: print at most this often (ms) ...
   * @param everySteps ... or every this many steps (0 = only by time)
   * @throws IllegalArgumentException if a count is negative
   */
  public ConsoleSink(
      PrintStream out, long totalSteps, boolean interactive, long everyMillis, long everySteps) {
    if (totalSteps < 0 || everyMillis < 0 || everySteps < 0) {
      throw new IllegalArgumentException(
          "ConsoleSink: totalSteps, everyMillis and everySteps must be >= 0, got "
              + totalSteps
              + ", "
              + everyMillis
              + ", "
              + everySteps);
    }
    this.out = out;
    this.totalSteps = totalSteps;
    this.interactive = interactive;
    this.everyMillis = everyMillis;
    this.everySteps = everySteps;
  }

  /**
   * A console sink on {@code System.out}: a progress bar on an interactive terminal without {@code
   * CI} in {@code env}, otherwise a log line every 10 seconds or every tenth of {@code totalSteps}.
   */
  public static ConsoleSink auto(long totalSteps, Map<String, String> env) {
    boolean interactive = System.console() != null && env.get("CI") == null;
    return new ConsoleSink(System.out, totalSteps, interactive, 10_000, totalSteps / 10);
  }

  @Override
  public void start(RunInfo run, Map<String, Object> config) {
    this.run = run;
    if (interactive) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(run.name())
              .setInitialMax(totalSteps > 0 ? totalSteps : -1)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(200)
              .showSpeed()
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .build();
    }
  }

  @Override
  public void config(Map<String, Object> config) {}

  @Override
  public void log(long step, Map<String, Number> metrics, long timestampMillis) {
    if (firstStep == Long.MIN_VALUE) {
      firstStep = step;
      firstMillis = timestampMillis;
    }
    if (bar != null) {
      bar.stepTo(step);
      bar.setExtraMessage(formatMetrics(metrics));
      return;
    }
    String line = line(step, metrics, timestampMillis);
    boolean due =
        lastPrintedStep == Long.MIN_VALUE
            || timestampMillis - lastPrintMillis >= everyMillis
            || (everySteps > 0 && step - lastPrintedStep >= everySteps)
            || (totalSteps > 0 && step >= totalSteps);
    if (due) {
      out.println(line);
      lastPrintedStep = step;
      lastPrintMillis = timestampMillis;
      pending = null;
    } else {
      pending = line;
    }
  }

  @Override
  public void image(long step, String key, Path png, long timestampMillis) {}

  @Override
  public void summary(Map<String, Object> summary) {}

  @Override
  public void finish(int exitCode) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    if (pending != null) {
      out.println(pending);
      pending = null;
    }
    out.printf(
        Locale.ROOT,
        "run %s (%s) %s; report: %s%n",
        run.name(),
        run.id(),
        exitCode == 0 ? "finished" : "failed with exit code " + exitCode,
        run.dir().resolve("index.html"));
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  private String line(long step, Map<String, Number> metrics, long nowMillis) {
    StringBuilder sb = new StringBuilder("step ").append(step);
    if (totalSteps > 0) {
      sb.append('/').append(totalSteps);
    }
    String m = formatMetrics(metrics);
    if (!m.isEmpty()) {
      sb.append("  ").append(m);
    }
    double seconds = (nowMillis - firstMillis) / 1000.0;
    if (seconds > 0 && step > firstStep) {
      sb.append(String.format(Locale.ROOT, "  %.1f it/s", (step - firstStep) / seconds));
    }
    return sb.toString();
  }

  static String formatMetrics(Map<String, Number> metrics) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Number> e : metrics.entrySet()) {
      if (sb.length() > 0) {
        sb.append("  ");
      }
      sb.append(e.getKey()).append(' ').append(format(e.getValue()));
    }
    return sb.toString();
  }

  static String format(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.toString();
    }
    double d = n.doubleValue();
    if (d == 0 || !Double.isFinite(d)) {
      return Double.toString(d);
    }
    double a = Math.abs(d);
    if (a >= 1e5 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.3e", d);
    }
    return String.format(Locale.ROOT, "%.4g", d);
  }
}
