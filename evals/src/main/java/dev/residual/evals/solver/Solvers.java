package dev.residual.evals.solver;

import dev.residual.evals.Sample;
import dev.residual.evals.Solver;
import dev.residual.evals.TaskState;
import dev.residual.evals.dataset.ChoiceShuffle;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.ModelOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in solvers (inspect's {@code inspect_ai.solver}). Each is a small {@link Solver};
 * combine them with {@link #chain(Solver...)}:
 *
 * <pre>{@code
 * Solver plan = Solvers.chain(
 *     Solvers.systemMessage("You are a careful grader of arithmetic."),
 *     Solvers.chainOfThought(),
 *     Solvers.generate());
 * }</pre>
 *
 * <p>Writing one's own solver takes a lambda; this one asks again when the answer is empty:
 *
 * <pre>{@code
 * Solver retryIfEmpty = (state, generate) -> {
 *   generate.generate(state);
 *   if (state.completion().isBlank()) {
 *     state.messages().add(ChatMessage.user("Please answer the question."));
 *     generate.generate(state);
 *   }
 *   return state;
 * };
 * }</pre>
 *
 * <p>Templates use {@code {name}} placeholders filled from the state's metadata (see {@link
 * Templates}); unknown placeholders stay as they are.
 */
public final class Solvers {
  /** Metadata key where {@link #multipleChoice} stores the letters it parsed ("A", or "A,C"). */
  public static final String MC_ANSWER = "multiple_choice_answer";

  /** Metadata key where {@link #multipleChoice} records the option order after shuffling. */
  public static final String MC_ORDER = "choice_order";

  /**
   * The default chain-of-thought template ({@code {prompt}} is the question): reason step by step,
   * then end with {@code ANSWER: $ANSWER} on its own line.
   */
  public static final String COT_TEMPLATE =
      "{prompt}\n\n"
          + "Think the problem through step by step before you answer. Then give your final answer "
          + "on a line of its own, at the very end, written as \"ANSWER: $ANSWER\" (without the "
          + "quotes), where $ANSWER stands for your answer.";

  /**
   * The default multiple-choice template: {@code {question}}, {@code {choices}} (the "A) …" lines)
   * and {@code {letters}} ("A,B,C,D").
   */
  public static final String MC_TEMPLATE =
      "Answer the multiple choice question below. End your response with a line of the form "
          + "\"ANSWER: $LETTER\" (without the quotes), where $LETTER is one of {letters}.\n\n"
          + "{question}\n\n"
          + "{choices}";

  /**
   * The default critique template: {@code {question}} and {@code {completion}}. The critic should
   * find errors and omissions, or say plainly that there are none.
   */
  public static final String CRITIQUE_TEMPLATE =
      "Below are a question and an answer someone gave to it. Review the answer critically: point "
          + "out each mistake, gap or unclear step you find, and say briefly how to fix it. If you "
          + "find nothing wrong, say that the original answer is fully correct and needs no "
          + "change.\n\n"
          + "[BEGIN DATA]\n"
          + "***\n"
          + "[Question]: {question}\n"
          + "***\n"
          + "[Answer]: {completion}\n"
          + "***\n"
          + "[END DATA]\n\n"
          + "Your critique:";

  /**
   * The default revision template: {@code {question}}, {@code {completion}} and {@code {critique}}.
   * Sent as a user message after the model's answer.
   */
  public static final String REVISION_TEMPLATE =
      "Here is a critique of your answer to the question:\n\n"
          + "{critique}\n\n"
          + "Taking the critique into account, write an improved answer (keep your answer if the "
          + "critique found nothing wrong). Give the final answer in the form the question asked "
          + "for.";

  private static final Pattern ANSWER_LETTERS =
      Pattern.compile(
          "ANSWER\\s*:\\s*\\$?\\s*([A-Za-z](?:\\s*(?:,|and)\\s*[A-Za-z])*)\\b",
          Pattern.CASE_INSENSITIVE);

  private Solvers() {}

  /** Calls the model once ({@code generate.generate(state)}). */
  public static Solver generate() {
    return (state, generate) -> generate.generate(state);
  }

  /**
   * Inserts a system message, its {@code {name}}s filled from the state's metadata, before the
   * first non-system message (so after any system messages already there).
   */
  public static Solver systemMessage(String template) {
    Objects.requireNonNull(template, "systemMessage: template");
    return (state, generate) -> {
      List<ChatMessage> msgs = state.messages();
      int at = 0;
      while (at < msgs.size() && msgs.get(at) instanceof ChatMessage.System) {
        at++;
      }
      msgs.add(at, ChatMessage.system(Templates.fill(template, state.metadata())));
      return state;
    };
  }

  /** Appends a user message, its {@code {name}}s filled from the state's metadata. */
  public static Solver userMessage(String template) {
    Objects.requireNonNull(template, "userMessage: template");
    return (state, generate) -> {
      state.messages().add(ChatMessage.user(Templates.fill(template, state.metadata())));
      return state;
    };
  }

  /**
   * Rewrites the last user message through {@code template}: {@code {prompt}} is its current text
   * and other {@code {name}}s come from the state's metadata.
   *
   * @throws IllegalStateException (when run) if the conversation has no user message
   */
  public static Solver promptTemplate(String template) {
    Objects.requireNonNull(template, "promptTemplate: template");
    return (state, generate) -> {
      rewriteLastUser(
          state, "promptTemplate", prompt -> fill(template, state, Map.of("prompt", prompt)));
      return state;
    };
  }

  /** {@link #promptTemplate} with {@link #COT_TEMPLATE}: ask for reasoning, then "ANSWER: …". */
  public static Solver chainOfThought() {
    return promptTemplate(COT_TEMPLATE);
  }

  /** {@code chainOfThought} with one's own template ({@code {prompt}} is the question). */
  public static Solver chainOfThought(String template) {
    return promptTemplate(template);
  }

  /** {@link #multipleChoice(String, Long)} with the default template and no shuffling. */
  public static Solver multipleChoice() {
    return multipleChoice(MC_TEMPLATE, null);
  }

  /**
   * Multiple choice: renders the state's choices as "A) …" lines into the last user message through
   * {@code template} ({@code {question}}, {@code {choices}}, {@code {letters}}, and metadata
   * names), calls the model, and parses the last {@code ANSWER: X} in the reply. The parsed letters
   * (comma-separated, upper case, only letters of existing options; "" when none) go to {@code
   * state.metadata().get(MC_ANSWER)}; the output itself is left as the model wrote it.
   *
   * @param template the prompt template, or null for {@link #MC_TEMPLATE}
   * @param shuffleSeed when not null, the choices are shuffled first (order from the seed and the
   *     sample id, so the same in every epoch and run) and letter targets remapped; the new order
   *     is stored under {@link #MC_ORDER}
   * @throws IllegalStateException (when run) if the state has no choices or no user message
   * @throws IllegalArgumentException (when run) if there are more than 26 choices
   */
  public static Solver multipleChoice(String template, Long shuffleSeed) {
    String tpl = template == null ? MC_TEMPLATE : template;
    return (state, generate) -> {
      List<String> choices = state.choices();
      if (choices.isEmpty()) {
        throw new IllegalStateException(
            "multipleChoice: sample " + state.sample().id() + " has no choices");
      }
      if (choices.size() > 26) {
        throw new IllegalArgumentException(
            "multipleChoice: sample "
                + state.sample().id()
                + " has "
                + choices.size()
                + " choices, at most 26 (A to Z) are supported");
      }
      if (shuffleSeed != null) {
        ChoiceShuffle.Result r =
            ChoiceShuffle.shuffle(
                choices, state.targets(), ChoiceShuffle.random(shuffleSeed, state.sample().id()));
        choices.clear();
        choices.addAll(r.choices());
        state.targets().clear();
        state.targets().addAll(r.targets());
        List<Integer> order = new ArrayList<>();
        for (int k : r.order()) {
          order.add(k);
        }
        state.metadata().put(MC_ORDER, List.copyOf(order));
      }
      StringBuilder lines = new StringBuilder();
      StringBuilder letters = new StringBuilder();
      for (int k = 0; k < choices.size(); k++) {
        if (k > 0) {
          lines.append('\n');
          letters.append(',');
        }
        String l = ChoiceShuffle.letter(k);
        lines.append(l).append(") ").append(choices.get(k));
        letters.append(l);
      }
      rewriteLastUser(
          state,
          "multipleChoice",
          q ->
              fill(
                  tpl,
                  state,
                  Map.of(
                      "question", q, "choices", lines.toString(), "letters", letters.toString())));
      generate.generate(state);
      state.metadata().put(MC_ANSWER, parseLetters(state.completion(), choices.size()));
      return state;
    };
  }

  /**
   * The letters in the last {@code ANSWER: …} of {@code text} ("B", "A,C"), upper case, keeping
   * only those naming one of {@code nChoices} options, or "" when there is none.
   */
  public static String parseLetters(String text, int nChoices) {
    Matcher m = ANSWER_LETTERS.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    if (last == null) {
      return "";
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : last.split("\\s*(?:,|(?i:and))\\s*")) {
      String p = part.trim().toUpperCase(java.util.Locale.ROOT);
      if (p.length() == 1 && p.charAt(0) - 'A' < nChoices) {
        out.add(p);
      }
    }
    return String.join(",", out);
  }

  /** {@link #selfCritique(ChatModel)} with the model being evaluated as the critic. */
  public static Solver selfCritique() {
    return selfCritique(null, CRITIQUE_TEMPLATE, REVISION_TEMPLATE);
  }

  /** {@link #selfCritique(ChatModel, String, String)} with the default templates. */
  public static Solver selfCritique(ChatModel critic) {
    return selfCritique(critic, CRITIQUE_TEMPLATE, REVISION_TEMPLATE);
  }

  /**
   * Self-critique: asks a critic to review the latest answer (in a fresh one-message conversation,
   * {@code critiqueTemplate} with {@code {question}} and {@code {completion}}), then appends {@code
   * revisionTemplate} (with {@code {critique}} too) as a user message and calls the model again for
   * a revised answer. The critique's token usage is added to the state's.
   *
   * @param critic the critic model, or null to use the model under evaluation through {@code
   *     generate}
   * @throws IllegalStateException (when run) if nothing has been generated yet
   */
  public static Solver selfCritique(
      ChatModel critic, String critiqueTemplate, String revisionTemplate) {
    String ct = critiqueTemplate == null ? CRITIQUE_TEMPLATE : critiqueTemplate;
    String rt = revisionTemplate == null ? REVISION_TEMPLATE : revisionTemplate;
    return (state, generate) -> {
      if (state.output() == null) {
        throw new IllegalStateException(
            "selfCritique: sample "
                + state.sample().id()
                + " has no answer to critique yet (put generate() before it)");
      }
      Map<String, String> vals = new LinkedHashMap<>();
      vals.put("question", state.sample().inputText());
      vals.put("completion", state.completion());
      String prompt = fill(ct, state, vals);
      ModelOutput critique;
      if (critic != null) {
        critique = critic.generate(List.of(ChatMessage.user(prompt)), state.config());
      } else {
        Sample s =
            new Sample(
                List.of(ChatMessage.user(prompt)),
                List.of(),
                List.of(),
                state.sample().id(),
                Map.of());
        TaskState side = new TaskState(s, state.epoch(), state.config());
        generate.generate(side);
        critique = side.output();
        if (critique == null) {
          throw new IllegalStateException(
              "selfCritique: generate produced no output for the critique of sample "
                  + state.sample().id());
        }
      }
      // Recording the critique counts its tokens; the revision below becomes the output.
      state.output(critique);
      vals.put("critique", critique.text());
      state.messages().add(ChatMessage.user(fill(rt, state, vals)));
      return generate.generate(state);
    };
  }

  /**
   * Runs {@code solvers} in order on the same state, stopping early once one marks the state
   * {@linkplain TaskState#complete() complete}.
   */
  public static Solver chain(Solver... solvers) {
    List<Solver> list = List.of(solvers);
    return (state, generate) -> {
      TaskState s = state;
      for (Solver solver : list) {
        if (s.completed()) {
          break;
        }
        s = solver.solve(s, generate);
      }
      return s;
    };
  }

  /** {@link #chain(Solver...)} over a list. */
  public static Solver chain(List<Solver> solvers) {
    return chain(solvers.toArray(new Solver[0]));
  }

  private static String fill(String template, TaskState state, Map<String, String> extra) {
    Map<String, Object> vals = new LinkedHashMap<>(state.metadata());
    vals.putAll(extra);
    return Templates.fill(template, vals);
  }

  private static void rewriteLastUser(
      TaskState state, String op, java.util.function.UnaryOperator<String> rewrite) {
    List<ChatMessage> msgs = state.messages();
    for (int i = msgs.size() - 1; i >= 0; i--) {
      if (msgs.get(i) instanceof ChatMessage.User u) {
        msgs.set(i, ChatMessage.user(rewrite.apply(u.text())));
        return;
      }
    }
    throw new IllegalStateException(
        op + ": sample " + state.sample().id() + " has no user message to rewrite");
  }
}
