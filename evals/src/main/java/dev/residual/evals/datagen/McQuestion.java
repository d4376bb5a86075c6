package dev.residual.evals.datagen;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.residual.evals.Sample;
import dev.residual.evals.model.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One model-written multiple-choice question, in the schema of ARENA's dataset generation chapter.
 * The JSON field names (used by the JSONL dataset and the structured-output schema) are the
 * snake_case names given below.
 *
 * <p>Validity ({@link #validationErrors()}): {@code system} is present (it may be empty: no system
 * prompt); {@code question} and {@code behavior_category} are non-blank; {@code answers} has 2 to
 * 26 entries whose keys are exactly the consecutive letters {@code A, B, ...} and whose texts are
 * non-blank; {@code answer_matching_behavior} is non-empty; both letter lists hold only answer
 * letters, without repeats; the two lists are disjoint and together cover every answer, so each
 * answer is labelled exactly once.
 *
 * @param system {@code system}: the system prompt the evaluated model sees ("" for none)
 * @param question {@code question}: the question text, without the answers
 * @param answers {@code answers}: letter to answer text, kept in letter order
 * @param answerMatchingBehavior {@code answer_matching_behavior}: letters of the answers that show
 *     the target behaviour
 * @param answerNotMatchingBehavior {@code answer_not_matching_behavior}: letters of the others
 * @param behaviorCategory {@code behavior_category}: the sub-kind of behaviour probed
 */
public record McQuestion(
    @JsonProperty("system") String system,
    @JsonProperty("question") String question,
    @JsonProperty("answers") Map<String, String> answers,
    @JsonProperty("answer_matching_behavior") List<String> answerMatchingBehavior,
    @JsonProperty("answer_not_matching_behavior") List<String> answerNotMatchingBehavior,
    @JsonProperty("behavior_category") String behaviorCategory) {

  /** JSON field names, as written to and read from the JSONL dataset. */
  public static final String F_SYSTEM = "system";

  /** JSON field name of {@link #question()}. */
  public static final String F_QUESTION = "question";

  /** JSON field name of {@link #answers()}. */
  public static final String F_ANSWERS = "answers";

  /** JSON field name of {@link #answerMatchingBehavior()}. */
  public static final String F_MATCHING = "answer_matching_behavior";

  /** JSON field name of {@link #answerNotMatchingBehavior()}. */
  public static final String F_NOT_MATCHING = "answer_not_matching_behavior";

  /** JSON field name of {@link #behaviorCategory()}. */
  public static final String F_CATEGORY = "behavior_category";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The JSON Schema of one question: an object with exactly the six fields, {@code answers} an
   * object keyed by single capital letters (at least two), the letter lists arrays of single
   * capital letters. Shared: do not mutate it (use {@code deepCopy()} to extend it).
   */
  public static final JsonNode SCHEMA = buildSchema();

  /**
   * Copies the collections (answers sorted by letter) so the record is immutable; null collections
   * become empty ones, so that {@link #validationErrors()} can report them instead of failing here.
   */
  public McQuestion {
    answers =
        answers == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(nonNullKeys(answers)));
    answerMatchingBehavior =
        answerMatchingBehavior == null ? List.of() : copyLetters(answerMatchingBehavior);
    answerNotMatchingBehavior =
        answerNotMatchingBehavior == null ? List.of() : copyLetters(answerNotMatchingBehavior);
  }

  private static Map<String, String> nonNullKeys(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k == null ? "null" : k, v));
    return out;
  }

  private static List<String> copyLetters(List<String> l) {
    return Collections.unmodifiableList(new ArrayList<>(l));
  }

  /**
   * Everything wrong with this question, one message per problem, each naming the field (empty when
   * the question is valid; see the class comment for the rules).
   */
  public List<String> validationErrors() {
    List<String> errors = new ArrayList<>();
    if (system == null) {
      errors.add("system: missing (use \"\" for no system prompt)");
    }
    if (question == null || question.isBlank()) {
      errors.add("question: missing or blank");
    }
    if (behaviorCategory == null || behaviorCategory.isBlank()) {
      errors.add("behavior_category: missing or blank");
    }
    if (answers.size() < 2 || answers.size() > 26) {
      errors.add("answers: need 2 to 26 answers, got " + answers.size());
    }
    List<String> expected = letters(Math.min(answers.size(), 26));
    if (!new ArrayList<>(answers.keySet()).equals(expected)) {
      errors.add(
          "answers: keys must be the consecutive letters "
              + expected
              + ", got "
              + answers.keySet());
    }
    answers.forEach(
        (k, v) -> {
          if (v == null || v.isBlank()) {
            errors.add("answers: answer " + k + " is missing or blank");
          }
        });
    if (answerMatchingBehavior.isEmpty()) {
      errors.add("answer_matching_behavior: empty (at least one answer must match the behaviour)");
    }
    checkLetters("answer_matching_behavior", answerMatchingBehavior, errors);
    checkLetters("answer_not_matching_behavior", answerNotMatchingBehavior, errors);
    Set<String> both = new HashSet<>(answerMatchingBehavior);
    both.retainAll(answerNotMatchingBehavior);
    if (!both.isEmpty()) {
      errors.add(
          "answer_matching_behavior and answer_not_matching_behavior share " + new TreeSet<>(both));
    }
    Set<String> uncovered = new TreeSet<>(answers.keySet());
    // Element-wise removal: removeAll may call TreeSet.remove(null), which throws.
    answerMatchingBehavior.forEach(l -> uncovered.remove(String.valueOf(l)));
    answerNotMatchingBehavior.forEach(l -> uncovered.remove(String.valueOf(l)));
    if (!uncovered.isEmpty()) {
      errors.add(
          "answers "
              + uncovered
              + " are in neither answer_matching_behavior nor answer_not_matching_behavior");
    }
    return errors;
  }

  private void checkLetters(String field, List<String> given, List<String> errors) {
    Set<String> seen = new HashSet<>();
    for (String l : given) {
      if (l == null || !answers.containsKey(l)) {
        errors.add(field + ": '" + l + "' is not one of the answer letters " + answers.keySet());
      } else if (!seen.add(l)) {
        errors.add(field + ": '" + l + "' is listed twice");
      }
    }
  }

  /** True when {@link #validationErrors()} is empty. */
  @JsonIgnore
  public boolean isValid() {
    return validationErrors().isEmpty();
  }

  /**
   * This question, checked.
   *
   * @throws IllegalArgumentException listing every problem ({@code McQuestion: ...; ...})
   */
  public McQuestion requireValid() {
    List<String> errors = validationErrors();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("McQuestion: " + String.join("; ", errors));
    }
    return this;
  }

  /** The answer texts in letter order. */
  public List<String> answerTexts() {
    return List.copyOf(answers.values());
  }

  /**
   * The user prompt the evaluated model sees: the question, a blank line, then one line per answer,
   * {@code A) text}.
   */
  public String formattedQuestion() {
    StringBuilder sb = new StringBuilder(question == null ? "" : question).append("\n");
    answers.forEach((k, v) -> sb.append('\n').append(k).append(") ").append(v));
    return sb.toString();
  }

  /** {@code toSample(id, true)}. */
  public Sample toSample(String id) {
    return toSample(id, true);
  }

  /**
   * This question as an evaluation sample: input is the system message (when {@code system} is
   * non-empty) and a user message; choices are the answer texts in letter order; targets are the
   * {@code answer_matching_behavior} letters; metadata holds {@code behavior_category} and {@code
   * answer_not_matching_behavior}.
   *
   * @param id the sample id
   * @param listAnswers true to put the answers into the user message ({@link
   *     #formattedQuestion()}); false for the question alone, for a multiple-choice solver that
   *     lists {@code choices} itself
   * @throws IllegalArgumentException when the question is invalid
   */
  public Sample toSample(String id, boolean listAnswers) {
    requireValid();
    List<ChatMessage> input = new ArrayList<>();
    if (!system.isEmpty()) {
      input.add(ChatMessage.system(system));
    }
    input.add(ChatMessage.user(listAnswers ? formattedQuestion() : question));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put(F_CATEGORY, behaviorCategory);
    meta.put(F_NOT_MATCHING, answerNotMatchingBehavior);
    return new Sample(input, answerTexts(), answerMatchingBehavior, id, meta);
  }

  /** The letters {@code A ...} for {@code n} answers. */
  static List<String> letters(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(String.valueOf((char) ('A' + i)));
    }
    return out;
  }

  /**
   * The schema of one model answer holding a batch: {@code {"reasoning": string, "questions":
   * [question, ...]}}, questions following {@link #SCHEMA}.
   */
  public static JsonNode batchSchema() {
    return batch(SCHEMA.deepCopy());
  }

  /**
   * {@link #batchSchema()} with questions following {@link #schema(int)}: the strict form (every
   * object lists all its properties, all required, no others) that OpenAI's strict structured
   * output accepts.
   *
   * @throws IllegalArgumentException when {@code numAnswers} is not in [2, 26]
   */
  public static JsonNode batchSchema(int numAnswers) {
    return batch(schema(numAnswers));
  }

  private static JsonNode batch(JsonNode item) {
    ObjectNode root = JSON.createObjectNode().put("type", "object");
    ObjectNode props = root.putObject("properties");
    props.putObject("reasoning").put("type", "string");
    ObjectNode qs = props.putObject("questions").put("type", "array");
    qs.set("items", item);
    root.putArray("required").add("reasoning").add("questions");
    root.put("additionalProperties", false);
    return root;
  }

  /**
   * The schema of a question with exactly {@code numAnswers} answers: like {@link #SCHEMA}, but
   * {@code answers} has the properties {@code A, B, ...} listed, all required and no others.
   *
   * @throws IllegalArgumentException when {@code numAnswers} is not in [2, 26]
   */
  public static JsonNode schema(int numAnswers) {
    if (numAnswers < 2 || numAnswers > 26) {
      throw new IllegalArgumentException(
          "McQuestion.schema: numAnswers must be in [2, 26], got " + numAnswers);
    }
    ObjectNode root = SCHEMA.deepCopy();
    ObjectNode answers = JSON.createObjectNode().put("type", "object");
    ObjectNode props = answers.putObject("properties");
    ArrayNode req = answers.putArray("required");
    for (String l : letters(numAnswers)) {
      props.putObject(l).put("type", "string");
      req.add(l);
    }
    answers.put("additionalProperties", false);
    ((ObjectNode) root.get("properties")).set(F_ANSWERS, answers);
    return root;
  }

  private static JsonNode buildSchema() {
    ObjectNode root = JSON.createObjectNode().put("type", "object");
    ObjectNode props = root.putObject("properties");
    props.putObject(F_SYSTEM).put("type", "string");
    props.putObject(F_QUESTION).put("type", "string");
    ObjectNode answers = props.putObject(F_ANSWERS).put("type", "object");
    answers.putObject("propertyNames").put("pattern", "^[A-Z]$");
    answers.putObject("additionalProperties").put("type", "string");
    answers.put("minProperties", 2);
    for (String f : List.of(F_MATCHING, F_NOT_MATCHING)) {
      ObjectNode arr = props.putObject(f).put("type", "array");
      arr.putObject("items").put("type", "string").put("pattern", "^[A-Z]$");
    }
    props.putObject(F_CATEGORY).put("type", "string");
    ArrayNode req = root.putArray("required");
    for (String f :
        List.of(F_SYSTEM, F_QUESTION, F_ANSWERS, F_MATCHING, F_NOT_MATCHING, F_CATEGORY)) {
      req.add(f);
    }
    root.put("additionalProperties", false);
    return root;
  }
}
