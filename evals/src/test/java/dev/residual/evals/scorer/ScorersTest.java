package dev.residual.evals.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.Sample;
import dev.residual.evals.Score;
import dev.residual.evals.Scorer;
import dev.residual.evals.TaskState;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.StopReason;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import dev.residual.evals.scorer.Scorers.AnswerPattern;
import dev.residual.evals.scorer.Scorers.Location;
import dev.residual.evals.solver.Solvers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorersTest {
  private static TaskState done(String completion, String... targets) {
    return done(completion, List.of(), targets);
  }

  private static TaskState done(String completion, List<String> choices, String... targets) {
    Sample s =
        new Sample(List.of(ChatMessage.user("Q?")), choices, List.of(targets), "s", Map.of());
    TaskState st = new TaskState(s, 1, GenerateConfig.DEFAULT);
    st.output(
        new ModelOutput("m", ChatMessage.assistant(completion), StopReason.STOP, TokenUsage.ZERO));
    return st;
  }

  private static Object v(Scorer sc, TaskState st) {
    return sc.score(st).value();
  }

  @Test
  void matchNumericIgnoresThousandsSeparatorsTrailingZerosAndPunctuation() {
    Scorer m = Scorers.match(Location.END, true, true);
    Score s = m.score(done("The answer is 1,000.", "1000"));
    assertEquals("C", s.value());
    assertEquals("1,000", s.answer());
    assertEquals("C", v(m, done("The answer is 1000", "1000.0")));
    assertEquals("C", v(m, done("so -2.50!", "-2.5")));
    assertEquals("I", v(m, done("The answer is 1,000, not 999.", "1000")));
    assertEquals("I", v(m, done("1000 is wrong; it is 10000", "1000")));
    assertEquals("I", v(m, done("no numbers here", "7")));
  }

  @Test
  void matchNumericAtStartAnyAndExact() {
    assertEquals("C", v(Scorers.match(Location.START, true, true), done("42, because 6*7", "42")));
    assertEquals("I", v(Scorers.match(Location.START, true, true), done("6*7 = 42", "42")));
    assertEquals("C", v(Scorers.match(Location.ANY, true, true), done("6*7 = 42 I think", "42")));
    assertEquals("C", v(Scorers.match(Location.EXACT, true, true), done(" 1,234.0. ", "1234")));
    assertEquals("I", v(Scorers.match(Location.EXACT, true, true), done("about 1234", "1234")));
  }

  @Test
  void matchTextStripsTrailingPunctuationAndHonoursCase() {
    assertEquals("C", v(Scorers.match(), done("The capital is Paris.", "paris")));
    assertEquals(
        "I", v(Scorers.match(Location.END, false, false), done("The capital is Paris.", "paris")));
    assertEquals(
        "C", v(Scorers.match(Location.START, true, false), done("Paris, of course", "paris")));
    assertEquals("C", v(Scorers.match(Location.EXACT, true, false), done("  Paris!  ", "Paris")));
    assertEquals(
        "I", v(Scorers.match(Location.EXACT, true, false), done("Paris, France", "Paris")));
    assertEquals(
        "C", v(Scorers.match(Location.ANY, true, false), done("I say PARIS loudly", "paris")));
    // A non-numeric target under numeric=true falls back to text.
    assertEquals("C", v(Scorers.match(Location.END, true, true), done("it is Rome", "Rome")));
    // Several targets: any one is enough.
    assertEquals("C", v(Scorers.match(), done("It is Lyon", "Paris", "Lyon")));
    assertEquals("I", v(Scorers.match(), done("anything")));
  }

  @Test
  void includesFindsSubstring() {
    assertEquals("C", v(Scorers.includes(), done("I believe it's PARIS, yes", "paris")));
    assertEquals("I", v(Scorers.includes(false), done("I believe it's PARIS, yes", "paris")));
    assertEquals("I", v(Scorers.includes(), done("Lyon", "paris")));
  }

  @Test
  void patternUsesGroupOneOrWholeMatch() {
    Score s =
        Scorers.pattern("answer is (\\w+)", true, false).score(done("The Answer is Blue.", "blue"));
    assertEquals("C", s.value());
    assertEquals("Blue", s.answer());
    Score w = Scorers.pattern("\\d+", false, false).score(done("x 17 y", "17"));
    assertEquals("C", w.value());
    assertEquals("17", w.answer());
    Score none = Scorers.pattern("\\d+", false, false).score(done("none", "17"));
    assertEquals("I", none.value());
    assertNull(none.answer());
  }

  @Test
  void patternMatchAllNeedsEveryGroup() {
    TaskState st = done("from 3 to 5", "3", "5");
    assertEquals("C", v(Scorers.pattern("from (\\d) to (\\d)", false, true), st));
    TaskState half = done("from 3 to 6", "3", "5");
    assertEquals("I", v(Scorers.pattern("from (\\d) to (\\d)", false, true), half));
    assertEquals("C", v(Scorers.pattern("from (\\d) to (\\d)", false, false), half));
  }

  @Test
  void patternRejectsInvalidRegex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scorers.pattern("(", false, false));
    assertTrue(e.getMessage().contains("pattern: invalid regex '('"), e.getMessage());
  }

  @Test
  void answerTakesLetterWordOrLineAfterLastAnswer() {
    String text = "ANSWER: wrong\nSo, reconsidering.\nanswer: Blue whale, clearly.\n";
    Score letter = Scorers.answer(AnswerPattern.LETTER).score(done(text, "b"));
    assertEquals("C", letter.value());
    assertEquals("B", letter.answer());
    Score word = Scorers.answer(AnswerPattern.WORD).score(done("ANSWER: \"Blue\", surely", "blue"));
    assertEquals("C", word.value());
    assertEquals("Blue", word.answer());
    Score line = Scorers.answer(AnswerPattern.LINE).score(done(text, "blue whale, clearly."));
    assertEquals("C", line.value());
    assertEquals("I", v(Scorers.answer(AnswerPattern.WORD), done(text, "whale")));
    Score none = Scorers.answer(AnswerPattern.LINE).score(done("no marker", "x"));
    assertEquals("I", none.value());
    assertNull(none.answer());
  }

  @Test
  void choiceComparesLetterSetsFromMetadataOrCompletion() {
    List<String> ch = List.of("red", "green", "blue");
    assertEquals("C", v(Scorers.choice(), done("ANSWER: B", ch, "B")));
    assertEquals("I", v(Scorers.choice(), done("ANSWER: A", ch, "B")));
    // Text target looked up among the choices.
    assertEquals("C", v(Scorers.choice(), done("ANSWER: C", ch, "blue")));
    // Multiple correct answers must all be chosen.
    assertEquals("C", v(Scorers.choice(), done("ANSWER: C, A", ch, "A", "C")));
    assertEquals("I", v(Scorers.choice(), done("ANSWER: A", ch, "A", "C")));
    // The multipleChoice solver's parsed letters win over the raw text.
    TaskState st = done("ANSWER: A", ch, "B");
    st.metadata().put(Solvers.MC_ANSWER, "B");
    assertEquals("C", v(Scorers.choice(), st));
    Score none = Scorers.choice().score(done("I can't decide", ch, "B"));
    assertEquals("I", none.value());
    assertEquals("", none.answer());
  }

  @Test
  void squadNormalisationExactAndF1KnownValues() {
    assertEquals("cat sat", Squad.normalize("The  Cat, sat!"));
    assertTrue(Squad.exact("The Eiffel Tower.", "eiffel tower"));
    // "the cat sat" → [cat, sat]; "cat sat on" → [cat, sat, on]: P = 2/2, R = 2/3, F1 = 0.8.
    assertEquals(0.8, Squad.f1("the cat sat", "cat sat on"), 1e-12);
    // Tokens are a multiset: [cat, cat] vs [cat] share one, so P = 1/2, R = 1, F1 = 2/3.
    assertEquals(2.0 / 3.0, Squad.f1("cat cat", "cat"), 1e-12);
    assertEquals(0.0, Squad.f1("dog", "cat"), 0);
    assertEquals(1.0, Squad.f1("the", "a"), 0); // both empty after normalising
    assertEquals(0.0, Squad.f1("the", "cat"), 0);
  }

  @Test
  void exactAndF1Scorers() {
    assertEquals("C", v(Scorers.exact(), done("The Cat sat.", "cat sat", "dog")));
    assertEquals("I", v(Scorers.exact(), done("the cat sat down", "cat sat")));
    assertEquals(
        0.8, Scorers.f1().score(done("the cat sat", "dog", "cat sat on")).asDouble(), 1e-12);
    assertEquals(0.0, Scorers.f1().score(done("anything")).asDouble(), 0);
  }

  /** A grader that answers with canned text and records its prompts. */
  private static final class FakeGrader implements ChatModel {
    final String reply;
    final List<String> prompts = new ArrayList<>();

    FakeGrader(String reply) {
      this.reply = reply;
    }

    @Override
    public String name() {
      return "fake/grader";
    }

    @Override
    public ModelOutput generate(
        List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
      prompts.add(messages.get(0).text());
      return new ModelOutput("g", ChatMessage.assistant(reply), StopReason.STOP, TokenUsage.ZERO);
    }
  }

  @Test
  void modelGradedQaParsesLastGradeAndFillsPrompt() {
    FakeGrader g = new FakeGrader("Mentions GRADE: C as an example.\nIt is half right.\nGRADE: P");
    Score s = Scorers.modelGradedQa(g).score(done("Paris and Rome", "Paris"));
    assertEquals("P", s.value());
    assertEquals(0.5, s.asDouble(), 0);
    assertEquals("Paris and Rome", s.answer());
    String prompt = g.prompts.get(0);
    assertTrue(prompt.contains("[Question]: Q?"), prompt);
    assertTrue(prompt.contains("[Submission]: Paris and Rome"), prompt);
    assertTrue(prompt.contains("[Criterion]: Paris"), prompt);
    assertTrue(prompt.contains("GRADE: $LETTER"), prompt);
  }

  @Test
  void modelGradedGradesMapToValues() {
    assertEquals(
        1.0,
        Scorers.modelGradedFact(new FakeGrader("GRADE: C")).score(done("a", "a")).asDouble(),
        0);
    assertEquals(
        0.0,
        Scorers.modelGradedFact(new FakeGrader("grade: i")).score(done("a", "b")).asDouble(),
        0);
    Score n = Scorers.modelGradedQa(new FakeGrader("GRADE: N")).score(done("", "b"));
    assertEquals("N", n.value());
    assertEquals(0.0, n.asDouble(), 0);
    Score missing =
        Scorers.modelGradedQa(new FakeGrader("I refuse to grade")).score(done("a", "b"));
    assertEquals("I", missing.value());
    assertTrue(missing.explanation().contains("grade not found"), missing.explanation());
  }

  @Test
  void modelGradedCustomTemplateAndInstructions() {
    FakeGrader g = new FakeGrader("GRADE: C");
    Scorers.modelGradedFact(
            g, "Q={question} A={answer} T={criterion} :: {instructions}", "Be strict.")
        .score(done("x", "y", "z"));
    assertEquals("Q=Q? A=x T=y / z :: Be strict.", g.prompts.get(0));
    assertThrows(NullPointerException.class, () -> Scorers.modelGradedQa(null));
  }

  @Test
  void parseGradeHandlesBoldAndCase() {
    assertEquals("C", Scorers.parseGrade("GRADE: **C**"));
    assertEquals("P", Scorers.parseGrade("grade:p"));
    assertNull(Scorers.parseGrade("GRADE: X"));
  }

  @Test
  void parseNumberAcceptsOnlyOneNumber() {
    assertEquals(0, new java.math.BigDecimal("1000").compareTo(Scorers.parseNumber("1,000.")));
    assertNull(Scorers.parseNumber("12 apples"));
    assertNull(Scorers.parseNumber(""));
  }
}
