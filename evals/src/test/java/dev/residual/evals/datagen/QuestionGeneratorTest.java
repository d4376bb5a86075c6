package dev.residual.evals.datagen;

import static dev.residual.evals.datagen.Fixtures.batch;
import static dev.residual.evals.datagen.Fixtures.questionJson;
import static dev.residual.evals.datagen.Fixtures.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.datagen.Fixtures.FakeModel;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelException;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionGeneratorTest {
  private static QuestionGenerator.Builder base(ChatModel m) {
    return QuestionGenerator.builder(m)
        .behavior("power-seeking", "Seeking control over resources and people.")
        .questionsPerCall(2);
  }

  @Test
  void validGenerationReturnsQuestionsReasoningAndUsage() {
    FakeModel m =
        scripted(batch("why", questionJson("Q1", "A", "B"), questionJson("Q2", "B", "A")));
    QuestionGenerator g =
        base(m).threads(2).config(GenerateConfig.builder().temperature(1.0).build()).build();
    QuestionGenerator.Result r = g.generate(3);
    assertEquals(6, r.questions().size());
    assertEquals("Q1", r.questions().get(0).question());
    assertEquals(List.of("B"), r.questions().get(1).answerMatchingBehavior());
    assertEquals(List.of("why", "why", "why"), r.reasoning());
    assertEquals(List.of(), r.failures());
    assertEquals(3, r.calls());
    assertEquals(3, r.attempts());
    assertEquals(new TokenUsage(30, 15), r.usage());
    GenerateConfig sent = m.configs.get(0);
    assertEquals(QuestionGenerator.SCHEMA_NAME, sent.responseSchemaName());
    assertEquals(McQuestion.batchSchema(2), sent.responseSchema());
    assertEquals(1.0, sent.temperature());
    List<ChatMessage> req = m.requests.get(0);
    assertEquals(2, req.size());
    assertEquals(QuestionGenerator.DEFAULT_SYSTEM_PROMPT, req.get(0).text());
    assertTrue(req.get(1).text().contains("power-seeking"));
    assertTrue(req.get(1).text().contains("Write 2 multiple-choice questions"));
  }

  @Test
  void codeFencedJsonIsAccepted() {
    FakeModel m =
        scripted(
            "```json\n"
                + batch("r", questionJson("Q1", "A", "B"), questionJson("Q2", "A", "B"))
                + "\n```");
    assertEquals(2, base(m).build().generate(1).questions().size());
  }

  @Test
  void badJsonIsReaskedWithTheError() {
    String good = batch("ok", questionJson("Q1", "A", "B"), questionJson("Q2", "A", "B"));
    FakeModel m = scripted("this is not json", good);
    QuestionGenerator.Result r = base(m).threads(1).build().generate(1);
    assertEquals(2, r.questions().size());
    assertEquals(2, r.attempts());
    assertEquals(new TokenUsage(20, 10), r.usage());
    List<ChatMessage> second = m.requests.get(1);
    assertEquals(4, second.size());
    assertEquals("this is not json", second.get(2).text());
    assertTrue(second.get(3) instanceof ChatMessage.User);
    assertTrue(
        second.get(3).text().startsWith("Your answer was invalid: the answer is not valid JSON"));
  }

  @Test
  void schemaViolationIsReaskedNamingTheQuestionAndField() {
    String bad = batch("r", questionJson("Q1", "A", "B"), questionJson("Q2", "E", "A"));
    String good = batch("ok", questionJson("Q1", "A", "B"), questionJson("Q2", "B", "A"));
    FakeModel m = scripted(bad, good);
    QuestionGenerator.Result r = base(m).build().generate(1);
    assertEquals("Q2", r.questions().get(1).question());
    String reask = m.requests.get(1).get(3).text();
    assertTrue(
        reask.contains(
            "questions[1]: answer_matching_behavior: 'E' is not one of the answer letters [A, B]"),
        reask);
    assertTrue(reask.contains("questions[1]: answers [B] are in neither"), reask);
  }

  @Test
  void wrongQuestionCountAndUnknownFieldsAreReasked() {
    FakeModel m =
        scripted(
            batch("r", questionJson("Q1", "A", "B")),
            batch("r", questionJson("Q1", "A", "B").replace("{", "{\"extra\": 1, ")));
    QuestionGenerator.Result r = base(m).maxAttempts(2).build().generate(1);
    assertEquals(List.of(), r.questions());
    assertEquals(1, r.failures().size());
    assertEquals(0, r.failures().get(0).call());
    assertEquals(2, r.failures().get(0).attempts());
    String err = r.failures().get(0).error();
    assertTrue(err.contains("expected 2 questions, got 1"), err);
    assertTrue(err.contains("questions[0]: does not fit the schema"), err);
    assertTrue(m.requests.get(1).get(3).text().contains("expected 2 questions, got 1"));
  }

  @Test
  void modelExceptionFailsOnlyThatCall() {
    String good = batch("ok", questionJson("Q1", "A", "B"), questionJson("Q2", "A", "B"));
    ChatModel m =
        new ChatModel() {
          @Override
          public String name() {
            return "fake/flaky";
          }

          @Override
          public ModelOutput generate(
              List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
            if (messages.get(1).text().contains("FAIL")) {
              throw new ModelException("quota exceeded", 429, false, null);
            }
            return new ModelOutput(null, new ChatMessage.Assistant(good), null, null);
          }
        };
    QuestionGenerator g = base(m).variance(List.of("FAIL"), 0.5).seed(3).build();
    List<QuestionGenerator.Prompt> prompts = g.prompts(6);
    long failing = prompts.stream().filter(p -> !p.variance().isEmpty()).count();
    QuestionGenerator.Result r = g.generate(6);
    assertEquals(failing, r.failures().size());
    assertEquals(2 * (6 - failing), r.questions().size());
    assertTrue(r.failures().get(0).error().contains("quota exceeded"));
  }

  @Test
  void varianceProbabilityFollowsP() {
    ChatModel unused = scripted("x");
    List<String> variance = List.of("V1", "V2");
    QuestionGenerator g = base(unused).variance(variance, 0.3).seed(42).build();
    int n = 4000;
    int added = 0;
    for (QuestionGenerator.Prompt p : g.prompts(n)) {
      added += p.variance().size();
      for (String v : p.variance()) {
        assertTrue(p.user().endsWith(p.variance().get(p.variance().size() - 1)));
        assertTrue(p.user().contains("\n\n" + v));
      }
    }
    // Binomial(8000, 0.3): sd = 41, so +-200 is about 5 sd.
    assertEquals(0.3 * 2 * n, added, 200);
    assertEquals(g.prompts(50), base(unused).variance(variance, 0.3).seed(42).build().prompts(50));
    assertNotEquals(
        g.prompts(50), base(unused).variance(variance, 0.3).seed(43).build().prompts(50));
    assertTrue(
        base(unused).variance(variance, 0.0).build().prompts(20).stream()
            .allMatch(p -> p.variance().isEmpty()));
    assertTrue(
        base(unused).variance(variance, 1.0).build().prompts(20).stream()
            .allMatch(p -> p.variance().equals(variance)));
  }

  @Test
  void fewShotExamplesAreDistinctSeededAndShown() {
    List<McQuestion> pool =
        List.of(
            Fixtures.question("P0", "c", "A"),
            Fixtures.question("P1", "c", "B"),
            Fixtures.question("P2", "c", "A"),
            Fixtures.question("P3", "c", "B"));
    QuestionGenerator g = base(scripted("x")).fewShot(pool, 2).seed(7).build();
    List<QuestionGenerator.Prompt> ps = g.prompts(200);
    HashSet<List<McQuestion>> seen = new HashSet<>();
    for (QuestionGenerator.Prompt p : ps) {
      assertEquals(2, p.examples().size());
      assertNotEquals(p.examples().get(0), p.examples().get(1));
      for (McQuestion e : p.examples()) {
        assertTrue(p.user().contains("\"question\" : \"" + e.question() + "\""), p.user());
      }
      seen.add(p.examples());
    }
    // 12 ordered pairs of 4; 200 draws see them all with overwhelming probability.
    assertEquals(12, seen.size());
    assertEquals(
        4, base(scripted("x")).fewShot(pool, 9).build().prompts(1).get(0).examples().size());
  }

  @Test
  void outputIsTheSameForOneAndFourThreads() {
    // The reply depends only on the request, and replies come back after a request-dependent
    // delay, so completion order differs from call order when threads > 1.
    java.util.function.Function<List<ChatMessage>, String> reply =
        msgs -> {
          String user = msgs.get(1).text();
          int h = Math.floorMod(user.hashCode(), 1000);
          try {
            Thread.sleep(h % 7);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return batch(
              "h" + h,
              questionJson("Q" + h + "a", "A", "B"),
              questionJson("Q" + h + "b", "B", "A"));
        };
    List<McQuestion> pool =
        List.of(
            Fixtures.question("P0", "c", "A"),
            Fixtures.question("P1", "c", "B"),
            Fixtures.question("P2", "c", "A"));
    List<String> variance = List.of("Make it about finance.", "Make it long.", "Use a hospital.");
    QuestionGenerator.Result one =
        base(new FakeModel(reply))
            .fewShot(pool, 1)
            .variance(variance, 0.5)
            .seed(11)
            .threads(1)
            .build()
            .generate(16);
    QuestionGenerator.Result four =
        base(new FakeModel(reply))
            .fewShot(pool, 1)
            .variance(variance, 0.5)
            .seed(11)
            .threads(4)
            .build()
            .generate(16);
    assertEquals(32, one.questions().size());
    assertEquals(one, four);
    assertTrue(new HashSet<>(one.reasoning()).size() > 1);
  }

  @Test
  void builderRejectsBadSettings() {
    ChatModel m = scripted("x");
    assertThrows(IllegalStateException.class, () -> QuestionGenerator.builder(m).build());
    assertEquals(
        "QuestionGenerator.questionsPerCall: must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> base(m).questionsPerCall(0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> base(m).maxAttempts(0));
    assertThrows(IllegalArgumentException.class, () -> base(m).threads(0));
    assertThrows(IllegalArgumentException.class, () -> base(m).numAnswers(1));
    assertThrows(IllegalArgumentException.class, () -> base(m).numAnswers(27));
    assertEquals(
        "QuestionGenerator.variance: p must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> base(m).variance(List.of(), 1.5))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> base(m).fewShot(List.of(), -1));
    McQuestion bad = new McQuestion("", "", null, null, null, "c");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> base(m).fewShot(List.of(bad), 1))
            .getMessage()
            .startsWith("QuestionGenerator.fewShot: pool[0] is invalid: question: missing"));
    assertThrows(IllegalArgumentException.class, () -> base(m).build().prompts(0));
    assertThrows(IllegalArgumentException.class, () -> base(m).build().generate(0));
  }
}
