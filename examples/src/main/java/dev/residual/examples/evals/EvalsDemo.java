package dev.residual.examples.evals;

import dev.residual.evals.EvalRunner;
import dev.residual.evals.Sample;
import dev.residual.evals.Task;
import dev.residual.evals.log.EvalLog;
import dev.residual.evals.log.EvalLogs;
import dev.residual.evals.log.ScorerMetrics;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.LocalGptModel;
import dev.residual.evals.model.ScriptedChatModel;
import dev.residual.evals.scorer.Scorers;
import dev.residual.tensor.Generator;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation demo: two-digit addition problems ({@code "37+45="} → {@code "82"}) scored by
 * {@code match} (numeric, at the end of the answer), run on a scripted calculator and, when given,
 * on the GPT of {@code residual demo}'s addition run through {@link LocalGptModel}. Each run writes
 * an eval log (JSON), an HTML report and a CSV of the samples.
 */
public final class EvalsDemo {
  /** The addition task's characters in token-id order (as the addition demo's GPT uses them). */
  public static final String VOCAB = "0123456789+=\n";

  private EvalsDemo() {}

  /** The addition task on {@code problems} ({@code 100 a + b}), or 40 random ones if null. */
  public static Task additionTask(int[] problems, long seed) {
    List<Sample> samples = new ArrayList<>();
    int[] ps = problems;
    if (ps == null) {
      Generator g = new Generator(seed);
      ps = new int[40];
      for (int i = 0; i < ps.length; i++) {
        ps[i] = (10 + g.nextInt(90)) * 100 + 10 + g.nextInt(90);
      }
    }
    for (int p : ps) {
      int a = p / 100;
      int b = p % 100;
      samples.add(Sample.of(a + "+" + b, a + "+" + b + "=", Integer.toString(a + b)));
    }
    return Task.builder("two-digit-addition")
        .dataset(samples)
        .scorer("match", Scorers.match(Scorers.Location.END, true, true))
        .config(GenerateConfig.builder().temperature(0.0).maxTokens(4).stop(List.of("\n")).build())
        .build();
  }

  /** A calculator that answers every {@code "a+b="} prompt correctly. */
  public static ChatModel calculator() {
    return ScriptedChatModel.of(
        "scripted/calculator",
        messages -> {
          String q = messages.get(messages.size() - 1).text().trim();
          String[] parts = q.replace("=", "").split("\\+");
          return Integer.toString(Integer.parseInt(parts[0]) + Integer.parseInt(parts[1]));
        });
  }

  /** The addition GPT as a chat model: the prompt is the raw problem text. */
  public static ChatModel local(GPT2 model) {
    return new LocalGptModel(
        "local/addition-demo", model, new AdditionTokenizer(), LocalGptModel.RAW_TEMPLATE);
  }

  /**
   * Evaluates the calculator, and {@code gpt} when not null, on the addition task (the held-out
   * {@code problems} when given); logs go to {@code logDir}.
   *
   * @return the logs, calculator first
   */
  public static List<EvalLog> run(GPT2 gpt, int[] problems, Path logDir, PrintStream out) {
    Task task = additionTask(problems, 0);
    List<ChatModel> models = new ArrayList<>(List.of(calculator()));
    if (gpt != null) {
      models.add(local(gpt));
    }
    List<EvalLog> logs = new ArrayList<>();
    for (ChatModel m : models) {
      Path log = logDir.resolve(task.name() + "_" + m.name().replace('/', '_') + ".json");
      EvalLog result =
          EvalRunner.builder(m).logPath(log).maxConnections(4).progress(false).build().run(task);
      EvalLogs.writeHtml(result, withExtension(log, ".html"));
      EvalLogs.writeCsv(result, withExtension(log, ".csv"));
      ScorerMetrics metrics = result.metrics().get("match");
      out.printf(
          Locale.ROOT,
          "eval %s on %s: %d samples, accuracy %.3f ± %.3f, %d errors; log %s%n",
          task.name(),
          m.name(),
          metrics.overall().n(),
          metrics.overall().accuracy(),
          metrics.overall().stderr(),
          result.errors(),
          withExtension(log, ".html").toAbsolutePath());
      logs.add(result);
    }
    return logs;
  }

  static Path withExtension(Path json, String ext) {
    String n = json.getFileName().toString();
    return json.resolveSibling((n.endsWith(".json") ? n.substring(0, n.length() - 5) : n) + ext);
  }

  /** The addition task's tokenizer: ids in {@link #VOCAB} order, the newline ends a sequence. */
  static final class AdditionTokenizer implements Tokenizer {
    @Override
    public int[] encode(String text) {
      int[] ids = new int[text.length()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = VOCAB.indexOf(text.charAt(i));
        if (ids[i] < 0) {
          throw new IllegalArgumentException(
              "addition tokenizer: character '" + text.charAt(i) + "' is not in 0-9 + = newline");
        }
      }
      return ids;
    }

    @Override
    public String decode(int[] tokens) {
      StringBuilder s = new StringBuilder();
      for (int t : tokens) {
        s.append(VOCAB.charAt(t));
      }
      return s.toString();
    }

    @Override
    public int vocabSize() {
      return VOCAB.length();
    }

    @Override
    public int eotToken() {
      return VOCAB.indexOf('\n');
    }
  }
}
