package dev.residual.examples.evals;

import dev.residual.evals.EvalRunner;
import dev.residual.evals.Task;
import dev.residual.evals.TaskFiles;
import dev.residual.evals.log.EvalLog;
import dev.residual.evals.log.EvalLogs;
import dev.residual.evals.log.ScorerMetrics;
import dev.residual.evals.model.CachingChatModel;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.Models;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code residual evals} command group: {@code run} a task file, {@code view} a log. */
@Command(
    name = "evals",
    mixinStandardHelpOptions = true,
    description = "LLM evaluations (inspect-style): run a task on a model, view a log.",
    subcommands = {EvalsCommand.RunTask.class, EvalsCommand.View.class})
public final class EvalsCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a subcommand: run or view");
  }

  /** {@code evals run TASK_FILE --model M}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Run a task file (JSON; see dev.residual.evals.TaskFiles) on a model and write the eval log"
            + " (JSON), an HTML report and a CSV of the samples. A killed run resumes when rerun"
            + " with the same --log; answers are cached on disk, so a rerun costs nothing.",
        "Models: openai/MODEL (OPENAI_API_KEY, or OPENAI_BASE_URL for vLLM, llama.cpp, Ollama),"
            + " anthropic/MODEL (ANTHROPIC_API_KEY), local/CHECKPOINT_DIR, scripted/echo,"
            + " scripted/TEXT."
      })
  public static final class RunTask implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK_FILE", description = "The task file (JSON).")
    Path taskFile;

    @Option(names = "--model", required = true, description = "provider/model.")
    String model;

    @Option(names = "--log", description = "Log path (default: logs/TASK_MODEL.json).")
    Path log;

    @Option(
        names = "--max-connections",
        defaultValue = "10",
        description = "Concurrent samples (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--limit", description = "Evaluate only the first N samples.")
    Integer limit;

    @Option(names = "--epochs", description = "Override the task's epochs.")
    Integer epochs;

    @Option(
        names = "--cache-dir",
        defaultValue = ".residual/evals-cache",
        description = "Answer cache (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Option(
        names = "--cache-days",
        defaultValue = "7",
        description = "Cache expiry in days (default: ${DEFAULT-VALUE}).")
    int cacheDays;

    @Option(names = "--no-cache", description = "Do not cache answers.")
    boolean noCache;

    @Option(
        names = "--group-by",
        description = "Also report metrics per value of this metadata field.")
    String groupBy;

    @Override
    public Integer call() {
      Task task;
      ChatModel m;
      try {
        task = TaskFiles.read(taskFile);
        if (limit != null || epochs != null) {
          Task.Builder b = Task.builder(task.name()).dataset(task.dataset()).config(task.config());
          task.solvers().forEach(b::solver);
          task.scorers().forEach(b::scorer);
          b.epochs(epochs != null ? epochs : task.epochs(), task.reducer());
          b.limit(limit != null ? limit : task.limit());
          task = b.build();
        }
        m = Models.get(model);
        if (maxConnections < 1) {
          throw new IllegalArgumentException("--max-connections must be >= 1");
        }
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      if (!noCache) {
        m = new CachingChatModel(m, cacheDir, Duration.ofDays(cacheDays));
      }
      Path logPath =
          log != null
              ? log
              : Path.of(
                  "logs", task.name() + "_" + model.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
      EvalRunner.Builder rb = EvalRunner.builder(m).logPath(logPath).maxConnections(maxConnections);
      if (groupBy != null) {
        rb.groupBy(groupBy);
      }
      EvalLog result = rb.build().run(task);
      PrintStream out = System.out;
      report(result, logPath, out);
      return 0;
    }
  }

  /** Prints a log's metrics and writes its HTML report and CSV next to it. */
  static void report(EvalLog result, Path logPath, PrintStream out) {
    Path html = EvalsDemo.withExtension(logPath, ".html");
    EvalLogs.writeHtml(result, html);
    EvalLogs.writeCsv(result, EvalsDemo.withExtension(logPath, ".csv"));
    out.printf(
        Locale.ROOT,
        "%s on %s: %s, %d samples, %d errors, %,d tokens%n",
        result.spec().task(),
        result.model(),
        result.status(),
        result.reductions().size(),
        result.errors(),
        result.usage().totalTokens());
    for (Map.Entry<String, ScorerMetrics> e : result.metrics().entrySet()) {
      var o = e.getValue().overall();
      out.printf(
          Locale.ROOT,
          "  %-12s accuracy %s  stderr %s  bootstrap stderr %s  (n %d)%n",
          e.getKey(),
          fmt(o.accuracy()),
          fmt(o.stderr()),
          fmt(o.bootstrapStderr()),
          o.n());
    }
    out.println("Log: " + logPath.toAbsolutePath());
    out.println("Report: " + html.toAbsolutePath());
  }

  private static String fmt(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
  }

  /** {@code evals view LOG}. */
  @Command(
      name = "view",
      mixinStandardHelpOptions = true,
      description = "Print a log's metrics and (re)write its HTML report and CSV next to it.")
  public static final class View implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "An eval log (JSON).")
    Path log;

    @Override
    public Integer call() {
      EvalLog result;
      try {
        result = EvalLogs.read(log);
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), "evals view: " + e.getMessage(), e);
      }
      report(result, log, System.out);
      return 0;
    }
  }
}
