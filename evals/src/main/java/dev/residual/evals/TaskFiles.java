package dev.residual.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.evals.dataset.Datasets;
import dev.residual.evals.dataset.FieldSpec;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.Models;
import dev.residual.evals.scorer.Scorers;
import dev.residual.evals.solver.Solvers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Tasks defined in a JSON file, for {@code residual evals run TASK_FILE}. Everything a Java task
 * can say, in data:
 *
 * <pre>{@code
 * {
 *   "name": "addition",
 *   "dataset": {"path": "addition.jsonl", "input": "input", "target": "target",
 *               "choices": [], "id": "id", "metadata": ["category"], "shuffle_choices": 7},
 *   "solvers": [{"type": "system_message", "template": "Answer with the number only."},
 *               {"type": "generate"}],
 *   "scorers": [{"type": "match", "location": "end", "numeric": true}],
 *   "epochs": 1, "reducer": "mean", "limit": 100,
 *   "config": {"temperature": 0, "max_tokens": 8, "stop": ["\n"], "seed": 1}
 * }
 * }</pre>
 *
 * <p>Solver types: {@code generate}, {@code system_message}, {@code user_message}, {@code
 * prompt_template} (each with {@code template}), {@code chain_of_thought}, {@code multiple_choice}
 * ({@code template}, {@code shuffle_seed}), {@code self_critique} ({@code model}, optional). Scorer
 * types: {@code match} ({@code location} start/end/any/exact, {@code ignore_case}, {@code
 * numeric}), {@code includes}, {@code pattern} ({@code regex}, {@code ignore_case}, {@code
 * match_all}), {@code answer} ({@code pattern} letter/word/line), {@code choice}, {@code exact},
 * {@code f1}, {@code model_graded_qa} and {@code model_graded_fact} ({@code grader}: a model name
 * for {@link Models#get}). Scorers are named by {@code name} or their type. A dataset path is
 * relative to the task file. {@code "format": "mcq"} reads a dataset written by the question
 * generator ({@code datagen.QuestionDataset}): its answers become the choices, its {@code
 * answer_matching_behavior} letters the targets.
 */
public final class TaskFiles {
  private TaskFiles() {}

  /**
   * Reads a task file.
   *
   * @param models resolves model names used by model-graded scorers and critics ({@link Models#get}
   *     by default)
   * @throws IllegalArgumentException naming the file and the bad field
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Task read(Path file, Function<String, ChatModel> models) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("task file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "the file must hold a JSON object");
    }
    String name = text(root, "name", null);
    if (name == null || name.isBlank()) {
      throw bad(file, "'name' is required");
    }
    JsonNode ds = root.get("dataset");
    if (ds == null || !ds.isObject() || !ds.hasNonNull("path")) {
      throw bad(file, "'dataset.path' is required");
    }
    Path data = file.toAbsolutePath().getParent().resolve(ds.get("path").asText());
    FieldSpec spec =
        new FieldSpec(
            text(ds, "input", "input"),
            text(ds, "target", "target"),
            strings(ds.get("choices")),
            text(ds, "id", null),
            strings(ds.get("metadata")));
    List<Sample> samples;
    if ("mcq".equals(text(ds, "format", ""))) {
      // A dataset written by the question generator: answers become choices (rendered by the
      // multiple_choice solver), targets the answer_matching_behavior letters.
      List<dev.residual.evals.datagen.McQuestion> qs =
          dev.residual.evals.datagen.QuestionDataset.read(data);
      samples = new ArrayList<>();
      for (int i = 0; i < qs.size(); i++) {
        samples.add(qs.get(i).toSample("q" + (i + 1), false));
      }
    } else {
      samples = Datasets.read(data, spec);
    }
    if (ds.hasNonNull("shuffle_choices")) {
      samples = Datasets.shuffleChoices(samples, ds.get("shuffle_choices").asLong());
    }
    Task.Builder b = Task.builder(name).dataset(samples);
    JsonNode solvers = root.get("solvers");
    if (solvers != null) {
      for (JsonNode s : solvers) {
        b.solver(solver(file, s, models));
      }
    }
    JsonNode scorers = root.get("scorers");
    if (scorers == null || !scorers.isArray() || scorers.isEmpty()) {
      throw bad(file, "'scorers' must list at least one scorer");
    }
    for (JsonNode s : scorers) {
      String type = text(s, "type", "");
      b.scorer(text(s, "name", type), scorer(file, s, models));
    }
    if (root.hasNonNull("epochs")) {
      EpochReducer reducer =
          EpochReducer.valueOf(text(root, "reducer", "mean").toUpperCase(Locale.ROOT));
      b.epochs(root.get("epochs").asInt(), reducer);
    }
    if (root.hasNonNull("limit")) {
      b.limit(root.get("limit").asInt());
    }
    if (root.hasNonNull("config")) {
      b.config(config(root.get("config")));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw bad(file, e.getMessage());
    }
  }

  /** {@link #read(Path, Function)} with {@link Models#get}. */
  public static Task read(Path file) {
    return read(file, Models::get);
  }

  /** Generation settings from {@code temperature, top_p, max_tokens, stop, seed, prefill}. */
  public static GenerateConfig config(JsonNode c) {
    GenerateConfig.Builder g = GenerateConfig.builder();
    if (c.hasNonNull("temperature")) {
      g.temperature(c.get("temperature").asDouble());
    }
    if (c.hasNonNull("top_p")) {
      g.topP(c.get("top_p").asDouble());
    }
    if (c.hasNonNull("max_tokens")) {
      g.maxTokens(c.get("max_tokens").asInt());
    }
    if (c.hasNonNull("stop")) {
      g.stop(strings(c.get("stop")));
    }
    if (c.hasNonNull("seed")) {
      g.seed(c.get("seed").asLong());
    }
    if (c.hasNonNull("prefill")) {
      g.prefill(c.get("prefill").asText());
    }
    return g.build();
  }

  private static Solver solver(Path file, JsonNode s, Function<String, ChatModel> models) {
    String type = text(s, "type", "");
    return switch (type) {
      case "generate" -> Solvers.generate();
      case "system_message" -> Solvers.systemMessage(required(file, s, "template"));
      case "user_message" -> Solvers.userMessage(required(file, s, "template"));
      case "prompt_template" -> Solvers.promptTemplate(required(file, s, "template"));
      case "chain_of_thought" ->
          s.hasNonNull("template")
              ? Solvers.chainOfThought(s.get("template").asText())
              : Solvers.chainOfThought();
      case "multiple_choice" ->
          s.hasNonNull("template") || s.hasNonNull("shuffle_seed")
              ? Solvers.multipleChoice(
                  text(s, "template", Solvers.MC_TEMPLATE),
                  s.hasNonNull("shuffle_seed") ? s.get("shuffle_seed").asLong() : null)
              : Solvers.multipleChoice();
      case "self_critique" ->
          s.hasNonNull("model")
              ? Solvers.selfCritique(models.apply(s.get("model").asText()))
              : Solvers.selfCritique();
      default ->
          throw bad(
              file,
              "unknown solver type '"
                  + type
                  + "' (generate, system_message, user_message, prompt_template, chain_of_thought,"
                  + " multiple_choice, self_critique)");
    };
  }

  private static Scorer scorer(Path file, JsonNode s, Function<String, ChatModel> models) {
    String type = text(s, "type", "");
    boolean ignoreCase = !s.hasNonNull("ignore_case") || s.get("ignore_case").asBoolean();
    return switch (type) {
      case "match" ->
          Scorers.match(
              Scorers.Location.valueOf(text(s, "location", "end").toUpperCase(Locale.ROOT)),
              ignoreCase,
              s.hasNonNull("numeric") && s.get("numeric").asBoolean());
      case "includes" -> Scorers.includes(ignoreCase);
      case "pattern" ->
          Scorers.pattern(
              required(file, s, "regex"),
              ignoreCase,
              s.hasNonNull("match_all") && s.get("match_all").asBoolean());
      case "answer" ->
          Scorers.answer(
              Scorers.AnswerPattern.valueOf(text(s, "pattern", "letter").toUpperCase(Locale.ROOT)));
      case "choice" -> Scorers.choice();
      case "exact" -> Scorers.exact();
      case "f1" -> Scorers.f1();
      case "model_graded_qa" -> Scorers.modelGradedQa(models.apply(required(file, s, "grader")));
      case "model_graded_fact" ->
          Scorers.modelGradedFact(models.apply(required(file, s, "grader")));
      default ->
          throw bad(
              file,
              "unknown scorer type '"
                  + type
                  + "' (match, includes, pattern, answer, choice, exact, f1, model_graded_qa,"
                  + " model_graded_fact)");
    };
  }

  private static String required(Path file, JsonNode s, String field) {
    if (!s.hasNonNull(field)) {
      throw bad(file, "'" + text(s, "type", "?") + "' needs '" + field + "'");
    }
    return s.get(field).asText();
  }

  private static String text(JsonNode n, String field, String dflt) {
    return n.hasNonNull(field) ? n.get(field).asText() : dflt;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  private static IllegalArgumentException bad(Path file, String what) {
    return new IllegalArgumentException("task file " + file + ": " + what);
  }
}
