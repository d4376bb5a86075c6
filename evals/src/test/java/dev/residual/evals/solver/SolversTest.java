package dev.residual.evals.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.Generate;
import dev.residual.evals.Sample;
import dev.residual.evals.Solver;
import dev.residual.evals.TaskState;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.StopReason;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SolversTest {
  /** A fake Generate replying with canned texts in order and recording what it saw. */
  static final class FakeGenerate implements Generate {
    final Deque<String> replies;
    final List<List<ChatMessage>> seen = new ArrayList<>();

    FakeGenerate(String... replies) {
      this.replies = new ArrayDeque<>(List.of(replies));
    }

    @Override
    public TaskState generate(TaskState state) {
      seen.add(List.copyOf(state.messages()));
      ChatMessage.Assistant a = ChatMessage.assistant(replies.removeFirst());
      state.messages().add(a);
      state.output(new ModelOutput("fake", a, StopReason.STOP, new TokenUsage(10, 1)));
      return state;
    }
  }

  private static TaskState state(Sample s) {
    return new TaskState(s, 1, GenerateConfig.DEFAULT);
  }

  private static TaskState state(String input) {
    return state(Sample.of("s1", input, "t"));
  }

  private static TaskState mcState(List<String> choices, List<String> targets) {
    return state(
        new Sample(List.of(ChatMessage.user("Pick one.")), choices, targets, "mc1", Map.of()));
  }

  @Test
  void generateCallsGenerateOnce() {
    FakeGenerate g = new FakeGenerate("hello");
    TaskState s = Solvers.generate().solve(state("hi"), g);
    assertEquals("hello", s.completion());
    assertEquals(List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello")), s.messages());
    assertEquals(1, g.seen.size());
  }

  @Test
  void systemMessageGoesAfterExistingSystemMessagesAndFillsMetadata() {
    Sample sample =
        new Sample(
            List.of(ChatMessage.system("first"), ChatMessage.user("q")),
            null,
            null,
            "x",
            Map.of("persona", "a pirate"));
    TaskState s =
        Solvers.systemMessage("You are {persona}; {unknown} stays.").solve(state(sample), null);
    assertEquals(
        List.of(
            ChatMessage.system("first"),
            ChatMessage.system("You are a pirate; {unknown} stays."),
            ChatMessage.user("q")),
        s.messages());
    TaskState t = Solvers.systemMessage("sys").solve(state("q"), null);
    assertEquals(List.of(ChatMessage.system("sys"), ChatMessage.user("q")), t.messages());
  }

  @Test
  void userMessageAppends() {
    TaskState s = state("q");
    s.metadata().put("n", 3);
    Solvers.userMessage("Use {n} words.").solve(s, null);
    assertEquals(List.of(ChatMessage.user("q"), ChatMessage.user("Use 3 words.")), s.messages());
  }

  @Test
  void promptTemplateRewritesLastUserMessageWithPromptAndMetadata() {
    Sample sample =
        new Sample(
            List.of(ChatMessage.user("old"), ChatMessage.assistant("a"), ChatMessage.user("2+2?")),
            null,
            null,
            "x",
            Map.of("lang", "French"));
    TaskState s =
        Solvers.promptTemplate("In {lang}: {prompt} $1 {\"json\": true}")
            .solve(state(sample), null);
    assertEquals(ChatMessage.user("old"), s.messages().get(0));
    assertEquals(ChatMessage.user("In French: 2+2? $1 {\"json\": true}"), s.messages().get(2));
  }

  @Test
  void promptTemplateWithoutUserMessageIsAnError() {
    Sample sample = new Sample(List.of(ChatMessage.system("only")), null, null, "x", null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Solvers.promptTemplate("{prompt}").solve(state(sample), null));
    assertTrue(e.getMessage().contains("promptTemplate: sample x"), e.getMessage());
  }

  @Test
  void chainOfThoughtAsksForReasoningThenAnswerLine() {
    TaskState s = Solvers.chainOfThought().solve(state("What is 6*7?"), null);
    String text = s.messages().get(0).text();
    assertTrue(text.startsWith("What is 6*7?\n\n"), text);
    assertTrue(text.contains("step by step"), text);
    assertTrue(text.contains("ANSWER: $ANSWER"), text);
  }

  @Test
  void multipleChoiceRendersLettersGeneratesAndParsesAnswer() {
    FakeGenerate g = new FakeGenerate("Thinking... ANSWER: a was tempting.\nANSWER: B");
    TaskState s =
        Solvers.multipleChoice().solve(mcState(List.of("red", "green", "blue"), List.of("B")), g);
    String prompt = g.seen.get(0).get(0).text();
    assertTrue(prompt.contains("Pick one.\n\nA) red\nB) green\nC) blue"), prompt);
    assertTrue(prompt.contains("ANSWER: $LETTER"), prompt);
    assertTrue(prompt.contains("one of A,B,C"), prompt);
    assertEquals("B", s.metadata().get(Solvers.MC_ANSWER));
    assertTrue(s.completion().endsWith("ANSWER: B"));
  }

  @Test
  void multipleChoiceShuffleIsSeededAndRemapsTargets() {
    List<String> choices = List.of("w", "x", "y", "z", "v", "u");
    FakeGenerate g = new FakeGenerate("ANSWER: A", "ANSWER: A", "ANSWER: A");
    TaskState a = Solvers.multipleChoice(null, 7L).solve(mcState(choices, List.of("C")), g);
    TaskState b = Solvers.multipleChoice(null, 7L).solve(mcState(choices, List.of("C")), g);
    assertEquals(a.choices(), b.choices());
    assertEquals(a.targets(), b.targets());
    assertEquals("y", a.choices().get(a.targets().get(0).charAt(0) - 'A'));
    assertNotEquals(choices, a.choices()); // 1 in 720 chance of identity; seed 7 fixed
    String prompt = g.seen.get(0).get(0).text();
    assertTrue(prompt.contains("A) " + a.choices().get(0)), prompt);
    List<?> order = (List<?>) a.metadata().get(Solvers.MC_ORDER);
    assertEquals(choices.get((Integer) order.get(0)), a.choices().get(0));
  }

  @Test
  void multipleChoiceWithoutChoicesIsAnError() {
    assertThrows(
        IllegalStateException.class,
        () ->
            Solvers.multipleChoice()
                .solve(mcState(List.of(), List.of("A")), new FakeGenerate("x")));
  }

  @Test
  void parseLettersTakesLastAnswerAndValidLettersOnly() {
    assertEquals("C", Solvers.parseLetters("ANSWER: A\nno wait\nANSWER: C", 4));
    assertEquals("A,C", Solvers.parseLetters("answer: a, c", 4));
    assertEquals("", Solvers.parseLetters("ANSWER: E", 4));
    assertEquals("", Solvers.parseLetters("I think B", 4));
    assertEquals("", Solvers.parseLetters("ANSWER: Apple", 4));
    assertEquals("B", Solvers.parseLetters("ANSWER: $B", 4));
  }

  @Test
  void selfCritiqueWithSameModelCritiquesInSideConversationThenRevises() {
    FakeGenerate g = new FakeGenerate("first answer 5", "it should be 4", "revised answer 4");
    Solver plan = Solvers.chain(Solvers.generate(), Solvers.selfCritique());
    TaskState s = plan.solve(state("2+2?"), g);
    assertEquals(3, g.seen.size());
    List<ChatMessage> critiqueConv = g.seen.get(1);
    assertEquals(1, critiqueConv.size());
    assertTrue(critiqueConv.get(0).text().contains("[Question]: 2+2?"));
    assertTrue(critiqueConv.get(0).text().contains("[Answer]: first answer 5"));
    assertEquals(4, s.messages().size());
    assertTrue(s.messages().get(2).text().contains("it should be 4"), s.messages().get(2).text());
    assertEquals("revised answer 4", s.completion());
    assertEquals(new TokenUsage(30, 3), s.usage(), "answer, critique and revision all counted");
  }

  @Test
  void selfCritiqueWithSeparateCriticModel() {
    List<List<ChatMessage>> criticSaw = new ArrayList<>();
    ChatModel critic =
        new ChatModel() {
          @Override
          public String name() {
            return "fake/critic";
          }

          @Override
          public ModelOutput generate(
              List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
            criticSaw.add(messages);
            return new ModelOutput(
                "critic", ChatMessage.assistant("looks wrong"), StopReason.STOP, TokenUsage.ZERO);
          }
        };
    FakeGenerate g = new FakeGenerate("ans", "better ans");
    TaskState s =
        Solvers.chain(Solvers.generate(), Solvers.selfCritique(critic)).solve(state("q"), g);
    assertEquals(1, criticSaw.size());
    assertEquals(2, g.seen.size());
    assertTrue(g.seen.get(1).get(2).text().contains("looks wrong"));
    assertEquals("better ans", s.completion());
  }

  @Test
  void selfCritiqueBeforeAnyAnswerIsAnError() {
    assertThrows(
        IllegalStateException.class,
        () -> Solvers.selfCritique().solve(state("q"), new FakeGenerate()));
  }

  @Test
  void chainRunsInOrderAndStopsWhenComplete() {
    List<String> ran = new ArrayList<>();
    Solver one =
        (s, g) -> {
          ran.add("one");
          return s;
        };
    Solver stop =
        (s, g) -> {
          ran.add("stop");
          s.complete();
          return s;
        };
    Solver never =
        (s, g) -> {
          ran.add("never");
          return s;
        };
    TaskState st = state("q");
    assertSame(st, Solvers.chain(one, stop, never).solve(st, null));
    assertEquals(List.of("one", "stop"), ran);
  }

  @Test
  void customSolverInAFewLines() {
    Solver shout =
        (state, generate) -> {
          state.messages().add(ChatMessage.user("Answer in capitals."));
          return generate.generate(state);
        };
    TaskState s = shout.solve(state("q"), new FakeGenerate("OK"));
    assertEquals("OK", s.completion());
  }

  @Test
  void templatesLeaveUnknownPlaceholdersAndInsertLiterally() {
    assertEquals(
        "a $1 \\ {b} {c}", Templates.fill("{x} {b} {c}", Map.of("x", "a $1 \\", "c", "{c}")));
  }
}
