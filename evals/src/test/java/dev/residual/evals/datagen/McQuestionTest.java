package dev.residual.evals.datagen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.evals.Sample;
import dev.residual.evals.model.ChatMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McQuestionTest {
  private static McQuestion q(
      String system,
      String question,
      Map<String, String> answers,
      List<String> m,
      List<String> n,
      String cat) {
    return new McQuestion(system, question, answers, m, n, cat);
  }

  private static final Map<String, String> AB = Map.of("A", "Yes", "B", "No");

  @Test
  void validQuestionHasNoErrors() {
    McQuestion v = q("", "Q?", AB, List.of("A"), List.of("B"), "c");
    assertTrue(v.isValid());
    assertEquals(List.of(), v.validationErrors());
    assertEquals(List.of("Yes", "No"), v.answerTexts());
  }

  @Test
  void everyRuleViolationIsReportedWithItsField() {
    assertEquals(
        List.of("system: missing (use \"\" for no system prompt)"),
        q(null, "Q", AB, List.of("A"), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of("question: missing or blank"),
        q("", " ", AB, List.of("A"), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of("behavior_category: missing or blank"),
        q("", "Q", AB, List.of("A"), List.of("B"), null).validationErrors());
    assertEquals(
        List.of("answers: keys must be the consecutive letters [A, B], got [A, C]"),
        q("", "Q", Map.of("A", "x", "C", "y"), List.of("A"), List.of("C"), "c").validationErrors());
    assertEquals(
        List.of(
            "answers: need 2 to 26 answers, got 1",
            "answer_not_matching_behavior: 'B' is not one of the answer letters [A]"),
        q("", "Q", Map.of("A", "x"), List.of("A"), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of("answers: answer B is missing or blank"),
        q("", "Q", Map.of("A", "x", "B", ""), List.of("A"), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of(
            "answer_matching_behavior: empty (at least one answer must match the behaviour)",
            "answers [A] are in neither answer_matching_behavior nor answer_not_matching_behavior"),
        q("", "Q", AB, List.of(), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of(
            "answer_matching_behavior: 'E' is not one of the answer letters [A, B]",
            "answers [A] are in neither answer_matching_behavior nor answer_not_matching_behavior"),
        q("", "Q", AB, List.of("E"), List.of("B"), "c").validationErrors());
    assertEquals(
        List.of("answer_not_matching_behavior: 'B' is listed twice"),
        q("", "Q", AB, List.of("A"), List.of("B", "B"), "c").validationErrors());
    assertEquals(
        List.of("answer_matching_behavior and answer_not_matching_behavior share [A]"),
        q("", "Q", AB, List.of("A"), List.of("A", "B"), "c").validationErrors());
  }

  @Test
  void nullLettersAreReportedNotThrown() {
    java.util.List<String> withNull = new java.util.ArrayList<>();
    withNull.add(null);
    assertEquals(
        List.of(
            "answer_matching_behavior: 'null' is not one of the answer letters [A, B]",
            "answers [A] are in neither answer_matching_behavior nor answer_not_matching_behavior"),
        q("", "Q", AB, withNull, List.of("B"), "c").validationErrors());
  }

  @Test
  void requireValidThrowsWithAllProblems() {
    McQuestion bad = q("", "", AB, List.of("A"), List.of("B"), "");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::requireValid);
    assertEquals(
        "McQuestion: question: missing or blank; behavior_category: missing or blank",
        e.getMessage());
  }

  @Test
  void answersAreKeptInLetterOrder() {
    McQuestion v =
        q("", "Q", Map.of("C", "z", "A", "x", "B", "y"), List.of("B"), List.of("C", "A"), "c");
    assertEquals(List.of("A", "B", "C"), List.copyOf(v.answers().keySet()));
    assertEquals("Q\n\nA) x\nB) y\nC) z", v.formattedQuestion());
  }

  @Test
  void toSampleUsesSystemQuestionAnswersAndMatchingLetters() {
    McQuestion v = q("Be brief.", "Take power?", AB, List.of("A"), List.of("B"), "power");
    Sample s = v.toSample("s1");
    assertEquals("s1", s.id());
    assertEquals(2, s.input().size());
    assertInstanceOf(ChatMessage.System.class, s.input().get(0));
    assertEquals("Be brief.", s.input().get(0).text());
    assertEquals("Take power?\n\nA) Yes\nB) No", s.inputText());
    assertEquals(List.of("Yes", "No"), s.choices());
    assertEquals(List.of("A"), s.targets());
    assertEquals("power", s.metadata().get("behavior_category"));
    assertEquals(List.of("B"), s.metadata().get("answer_not_matching_behavior"));

    Sample bare = q("", "Take power?", AB, List.of("B"), List.of("A"), "p").toSample("s2", false);
    assertEquals(1, bare.input().size());
    assertEquals("Take power?", bare.inputText());
    assertEquals(List.of("B"), bare.targets());
  }

  @Test
  void toSampleRejectsInvalidQuestion() {
    McQuestion bad = q("", "Q", AB, List.of("A"), List.of("A"), "c");
    assertThrows(IllegalArgumentException.class, () -> bad.toSample("x"));
  }

  @Test
  void jsonUsesSchemaFieldNames() throws Exception {
    ObjectMapper json = new ObjectMapper();
    McQuestion v = q("", "Q", AB, List.of("A"), List.of("B"), "c");
    JsonNode n = json.valueToTree(v);
    assertEquals(
        List.of(
            "system",
            "question",
            "answers",
            "answer_matching_behavior",
            "answer_not_matching_behavior",
            "behavior_category"),
        iterNames(n));
    assertEquals(v, json.treeToValue(n, McQuestion.class));
  }

  @Test
  void schemaRequiresEveryFieldAndForbidsOthers() {
    JsonNode s = McQuestion.SCHEMA;
    assertEquals(6, s.get("required").size());
    assertFalse(s.get("additionalProperties").asBoolean());
    assertEquals("^[A-Z]$", s.at("/properties/answers/propertyNames/pattern").asText());
    JsonNode batch = McQuestion.batchSchema();
    assertEquals("array", batch.at("/properties/questions/type").asText());
    assertEquals(s, batch.at("/properties/questions/items"));

    JsonNode strict = McQuestion.schema(3);
    assertEquals("[\"A\",\"B\",\"C\"]", strict.at("/properties/answers/required").toString());
    assertFalse(strict.at("/properties/answers/additionalProperties").asBoolean());
    assertEquals("string", strict.at("/properties/answers/properties/C/type").asText());
    assertEquals(strict, McQuestion.batchSchema(3).at("/properties/questions/items"));
    assertEquals(McQuestion.SCHEMA.get("required"), strict.get("required"));
    assertTrue(McQuestion.SCHEMA.at("/properties/answers/properties").isMissingNode());
    assertEquals(
        "McQuestion.schema: numAnswers must be in [2, 26], got 1",
        assertThrows(IllegalArgumentException.class, () -> McQuestion.schema(1)).getMessage());
  }

  private static List<String> iterNames(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
