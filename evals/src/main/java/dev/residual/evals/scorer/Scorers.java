package dev.residual.evals.scorer;

import dev.residual.evals.Score;
import dev.residual.evals.Scorer;
import dev.residual.evals.TaskState;
import dev.residual.evals.dataset.ChoiceShuffle;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.solver.Solvers;
import dev.residual.evals.solver.Templates;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in scorers (inspect's {@code inspect_ai.scorer}). Each compares the state's latest
 * completion ({@link TaskState#completion()}) with its targets ({@link TaskState#targets()}) and
 * returns {@code C} or {@code I} (with the extracted answer), except {@link #f1()}, which returns a
 * number, and the model-graded scorers, which may also return {@code P}. A state with no targets
 * scores {@code I} (there is nothing to be right about), except under {@link #f1()} (0).
 */
public final class Scorers {
  /** Where {@link #match} looks for the target. */
  public enum Location {
    /** The completion starts with the target. */
    START,
    /** The completion ends with the target. */
    END,
    /** The completion contains the target. */
    ANY,
    /** The completion is the target. */
    EXACT
  }

  /** What {@link #answer} takes after {@code ANSWER:}. */
  public enum AnswerPattern {
    /** The first non-space character. */
    LETTER,
    /** The first word, without surrounding punctuation. */
    WORD,
    /** The rest of the line. */
    LINE
  }

  // Numbers with thousands separators ("1,000,000.5") or plain ("1000", "-3.25", ".5").
  private static final Pattern NUMBER =
      Pattern.compile("-?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)");
  private static final Pattern TRAILING_PUNCT = Pattern.compile("[\\p{Punct}\\s]+$");
  private static final Pattern ANSWER_PREFIX =
      Pattern.compile("ANSWER\\s*:", Pattern.CASE_INSENSITIVE);
  private static final Pattern GRADE =
      Pattern.compile("GRADE\\s*:\\s*\\**\\s*([CIPN])\\b", Pattern.CASE_INSENSITIVE);

  /**
   * The default model-graded QA template: {@code {question}}, {@code {answer}} (the submission),
   * {@code {criterion}} (the target) and {@code {instructions}}.
   */
  public static final String QA_TEMPLATE =
      "You are judging a submitted answer to a question against an expert's answer.\n\n"
          + "[BEGIN DATA]\n"
          + "***\n"
          + "[Question]: {question}\n"
          + "***\n"
          + "[Submission]: {answer}\n"
          + "***\n"
          + "[Criterion]: {criterion}\n"
          + "***\n"
          + "[END DATA]\n\n"
          + "Does the submission meet the criterion?\n\n"
          + "{instructions}";

  /**
   * The default model-graded fact template: does the submission contain the expert's fact? Same
   * placeholders as {@link #QA_TEMPLATE}.
   */
  public static final String FACT_TEMPLATE =
      "You are comparing the factual content of a submitted answer with an expert's answer. "
          + "Ignore differences in style, grammar and punctuation.\n\n"
          + "[BEGIN DATA]\n"
          + "***\n"
          + "[Question]: {question}\n"
          + "***\n"
          + "[Expert]: {criterion}\n"
          + "***\n"
          + "[Submission]: {answer}\n"
          + "***\n"
          + "[END DATA]\n\n"
          + "Does the submission contain the content of the expert's answer?\n\n"
          + "{instructions}";

  /** The default grading instructions: reason first, then one {@code GRADE:} line. */
  public static final String GRADE_INSTRUCTIONS =
      "First explain your reasoning step by step, so that your conclusion is not stated before it "
          + "is argued. Then, on the last line, write \"GRADE: $LETTER\" (without the quotes), "
          + "where $LETTER is C if the submission is correct, P if it is partially correct, "
          + "and I if it is incorrect. For example, finish with \"GRADE: C\" for a correct "
          + "submission.";

  private Scorers() {}

  // ---- match / includes ----

  /** {@code match(END, true, false)}: the completion ends with a target, ignoring case. */
  public static Scorer match() {
    return match(Location.END, true, false);
  }

  /**
   * Whether the completion matches a target at {@code location}. Text comparison trims both sides
   * and strips trailing punctuation (so "Paris." matches "Paris"). With {@code numeric}, a target
   * that is a number is compared as a number with the number found at that location of the
   * completion (the last for END, the first for START, any for ANY, the whole completion for
   * EXACT), ignoring thousands separators and trailing zeros: "The answer is 1,000." matches "1000"
   * and "1000.0". Targets that are not numbers are compared as text.
   */
  public static Scorer match(Location location, boolean ignoreCase, boolean numeric) {
    Objects.requireNonNull(location, "match: location");
    return state -> {
      String completion = state.completion();
      for (String target : state.targets()) {
        BigDecimal tn = numeric ? parseNumber(target.trim()) : null;
        if (tn != null) {
          String found = matchNumber(completion, tn, location);
          if (found != null) {
            return Score.of(true, found);
          }
        } else if (matchText(completion, target, location, ignoreCase)) {
          return Score.of(true, target);
        }
      }
      return Score.of(false, extractForLocation(completion, location, numeric));
    };
  }

  /** {@code includes(true)}. */
  public static Scorer includes() {
    return includes(true);
  }

  /** Whether the completion contains any target as a substring. */
  public static Scorer includes(boolean ignoreCase) {
    return state -> {
      String c = fold(state.completion(), ignoreCase);
      for (String t : state.targets()) {
        if (c.contains(fold(t, ignoreCase))) {
          return Score.of(true, t);
        }
      }
      return Score.of(false, state.completion());
    };
  }

  // ---- pattern / answer ----

  /**
   * Extracts the answer with a regular expression (the first match in the completion): the text of
   * capture group 1, or the whole match when the pattern has no groups. With {@code matchAll} and
   * several groups, every non-null group must equal a target; otherwise one equal group is enough.
   * No match scores {@code I} with a null answer.
   *
   * @throws IllegalArgumentException if {@code regex} does not compile
   */
  public static Scorer pattern(String regex, boolean ignoreCase, boolean matchAll) {
    Pattern p;
    try {
      p = Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "pattern: invalid regex '" + regex + "': " + e.getDescription(), e);
    }
    return state -> {
      Matcher m = p.matcher(state.completion());
      if (!m.find()) {
        return new Score(Score.INCORRECT, null, "pattern " + regex + " not found", Map.of());
      }
      List<String> groups = new ArrayList<>();
      if (m.groupCount() == 0) {
        groups.add(m.group());
      } else {
        for (int g = 1; g <= m.groupCount(); g++) {
          if (m.group(g) != null) {
            groups.add(m.group(g));
          }
        }
      }
      String answer = m.groupCount() == 0 ? m.group() : m.group(1);
      boolean ok;
      if (matchAll) {
        ok = !groups.isEmpty();
        for (String g : groups) {
          ok &= equalsAnyTarget(g, state.targets(), ignoreCase);
        }
      } else {
        ok = false;
        for (String g : groups) {
          ok |= equalsAnyTarget(g, state.targets(), ignoreCase);
        }
      }
      return Score.of(ok, answer);
    };
  }

  /**
   * The answer after the last {@code ANSWER:} (case-insensitive) of the completion, taken as a
   * letter, a word or a line, compared with the targets ignoring case. A completion without {@code
   * ANSWER:} scores {@code I} with a null answer.
   */
  public static Scorer answer(AnswerPattern kind) {
    Objects.requireNonNull(kind, "answer: kind");
    return state -> {
      String a = afterAnswer(state.completion(), kind);
      if (a == null) {
        return new Score(Score.INCORRECT, null, "no 'ANSWER:' in the completion", Map.of());
      }
      return Score.of(equalsAnyTarget(a, state.targets(), true), a);
    };
  }

  private static String afterAnswer(String text, AnswerPattern kind) {
    Matcher m = ANSWER_PREFIX.matcher(text);
    int end = -1;
    while (m.find()) {
      end = m.end();
    }
    if (end < 0) {
      return null;
    }
    String rest = text.substring(end);
    int nl = rest.indexOf('\n');
    String line = (nl < 0 ? rest : rest.substring(0, nl)).trim();
    return switch (kind) {
      case LINE -> line;
      case LETTER -> line.isEmpty() ? "" : line.substring(0, 1);
      case WORD -> {
        String w = line.isEmpty() ? "" : line.split("\\s+")[0];
        yield w.replaceAll("^\\p{Punct}+|\\p{Punct}+$", "");
      }
    };
  }

  // ---- choice ----

  /**
   * Multiple choice: the letters the model chose ({@link Solvers#MC_ANSWER} in the state's
   * metadata, set by {@link Solvers#multipleChoice}; otherwise parsed from the last {@code ANSWER:}
   * of the completion) must be exactly the target letters. Targets that are not letters are looked
   * up among the choices by text. The answer is the chosen letters ("A,C").
   */
  public static Scorer choice() {
    return state -> {
      int n = state.choices().size();
      Object md = state.metadata().get(Solvers.MC_ANSWER);
      String chosen = md instanceof String s ? s : Solvers.parseLetters(state.completion(), n);
      Set<String> got = new TreeSet<>();
      for (String l : chosen.split(",")) {
        if (!l.isBlank()) {
          got.add(l.trim());
        }
      }
      Set<String> want = new TreeSet<>();
      for (String t : state.targets()) {
        int k = ChoiceShuffle.letterIndex(t, n);
        if (k < 0) {
          k = state.choices().indexOf(t);
        }
        if (k >= 0) {
          want.add(ChoiceShuffle.letter(k));
        } else {
          want.add(t); // a target naming no option can never be matched
        }
      }
      boolean ok = !got.isEmpty() && got.equals(want);
      return new Score(
          ok ? Score.CORRECT : Score.INCORRECT,
          String.join(",", got),
          got.isEmpty() ? "no answer letter found" : null,
          Map.of());
    };
  }

  // ---- SQuAD ----

  /**
   * SQuAD exact match: the normalised completion (lower case, no punctuation, no articles,
   * collapsed whitespace) equals some normalised target.
   */
  public static Scorer exact() {
    return state -> {
      for (String t : state.targets()) {
        if (Squad.exact(state.completion(), t)) {
          return Score.of(true, state.completion());
        }
      }
      return Score.of(false, state.completion());
    };
  }

  /** SQuAD token F1 of the completion, the maximum over targets (0 when there are none). */
  public static Scorer f1() {
    return state -> {
      double best = 0;
      for (String t : state.targets()) {
        best = Math.max(best, Squad.f1(state.completion(), t));
      }
      return new Score(best, state.completion(), null, Map.of());
    };
  }

  // ---- model graded ----

  /**
   * {@link #modelGradedQa(ChatModel, String, String)} with the default template and instructions.
   */
  public static Scorer modelGradedQa(ChatModel grader) {
    return modelGradedQa(grader, null, null);
  }

  /**
   * A grader model judges whether the completion meets the criterion (the targets, joined with " /
   * "): {@code template} ({@code {question}}, {@code {answer}}, {@code {criterion}}, {@code
   * {instructions}} and metadata names) is sent as one user message and the last {@code GRADE: X}
   * of the reply (X in C, I, P, N, either case) is the score; a reply with no grade scores {@code
   * I}. The grader's reply is the explanation.
   *
   * @param template null for {@link #QA_TEMPLATE}
   * @param instructions null for {@link #GRADE_INSTRUCTIONS}
   */
  public static Scorer modelGradedQa(ChatModel grader, String template, String instructions) {
    return graded("modelGradedQa", grader, template == null ? QA_TEMPLATE : template, instructions);
  }

  /**
   * {@link #modelGradedFact(ChatModel, String, String)} with the default template and instructions.
   */
  public static Scorer modelGradedFact(ChatModel grader) {
    return modelGradedFact(grader, null, null);
  }

  /**
   * As {@link #modelGradedQa(ChatModel, String, String)}, asking whether the completion contains
   * the target's facts ({@link #FACT_TEMPLATE} by default).
   */
  public static Scorer modelGradedFact(ChatModel grader, String template, String instructions) {
    return graded(
        "modelGradedFact", grader, template == null ? FACT_TEMPLATE : template, instructions);
  }

  /**
   * The last grade letter in {@code text} ({@code GRADE: C}, upper-cased), or null when there is
   * none.
   */
  public static String parseGrade(String text) {
    Matcher m = GRADE.matcher(text);
    String g = null;
    while (m.find()) {
      g = m.group(1).toUpperCase(Locale.ROOT);
    }
    return g;
  }

  private static Scorer graded(String op, ChatModel grader, String template, String instructions) {
    Objects.requireNonNull(grader, op + ": grader");
    String ins = instructions == null ? GRADE_INSTRUCTIONS : instructions;
    return state -> {
      Map<String, Object> vals = new LinkedHashMap<>(state.metadata());
      vals.put("question", state.sample().inputText());
      vals.put("answer", state.completion());
      vals.put("criterion", String.join(" / ", state.targets()));
      vals.put("instructions", ins);
      String prompt = Templates.fill(template, vals);
      ModelOutput out = grader.generate(List.of(ChatMessage.user(prompt)), GenerateConfig.DEFAULT);
      String reply = out.text();
      String grade = parseGrade(reply);
      Map<String, Object> md = Map.of("grader", grader.name(), "grading_prompt", prompt);
      if (grade == null) {
        return new Score(
            Score.INCORRECT, state.completion(), "grade not found in grader reply: " + reply, md);
      }
      return new Score(grade, state.completion(), reply, md);
    };
  }

  // ---- helpers ----

  private static boolean equalsAnyTarget(String s, List<String> targets, boolean ignoreCase) {
    for (String t : targets) {
      if (ignoreCase ? s.trim().equalsIgnoreCase(t.trim()) : s.trim().equals(t.trim())) {
        return true;
      }
    }
    return false;
  }

  private static String fold(String s, boolean ignoreCase) {
    return ignoreCase ? s.toLowerCase(Locale.ROOT) : s;
  }

  private static String clean(String s, boolean ignoreCase) {
    return fold(TRAILING_PUNCT.matcher(s.trim()).replaceAll(""), ignoreCase);
  }

  private static boolean matchText(String completion, String target, Location loc, boolean ic) {
    String c = clean(completion, ic);
    String t = clean(target, ic);
    if (t.isEmpty()) {
      return c.isEmpty();
    }
    return switch (loc) {
      case START -> c.startsWith(t);
      case END -> c.endsWith(t);
      case ANY -> c.contains(t);
      case EXACT -> c.equals(t);
    };
  }

  /**
   * The number in {@code s} ("1,000", "-2.50", "3."), or null when it is not exactly one number.
   */
  static BigDecimal parseNumber(String s) {
    String t = TRAILING_PUNCT.matcher(s.trim()).replaceAll("");
    if (t.isEmpty() || !NUMBER.matcher(t).matches()) {
      return null;
    }
    try {
      return new BigDecimal(t.replace(",", ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String matchNumber(String completion, BigDecimal target, Location loc) {
    if (loc == Location.EXACT) {
      BigDecimal v = parseNumber(completion);
      return v != null && v.compareTo(target) == 0 ? completion.trim() : null;
    }
    List<String> nums = numbers(completion);
    if (nums.isEmpty()) {
      return null;
    }
    return switch (loc) {
      case START -> numEq(nums.get(0), target) ? nums.get(0) : null;
      case END -> numEq(nums.get(nums.size() - 1), target) ? nums.get(nums.size() - 1) : null;
      default -> {
        for (String n : nums) {
          if (numEq(n, target)) {
            yield n;
          }
        }
        yield null;
      }
    };
  }

  private static boolean numEq(String s, BigDecimal target) {
    return new BigDecimal(s.replace(",", "")).compareTo(target) == 0;
  }

  private static List<String> numbers(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static String extractForLocation(String completion, Location loc, boolean numeric) {
    if (numeric) {
      List<String> nums = numbers(completion);
      if (!nums.isEmpty()) {
        return loc == Location.START ? nums.get(0) : nums.get(nums.size() - 1);
      }
    }
    return completion.trim();
  }
}
