package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScriptedChatModelTest {
  @Test
  void echoRepliesWithTheLastUserMessageAndEstimatesTokens() {
    ScriptedChatModel m = ScriptedChatModel.echo();
    ModelOutput out =
        m.generate(List.of(ChatMessage.system("sys!"), ChatMessage.user("hello")), null);
    assertEquals("hello", out.text());
    assertEquals(StopReason.STOP, out.stopReason());
    // "sys!" = 1 token, "hello" = 2 tokens in; "hello" = 2 out
    assertEquals(new TokenUsage(3, 2), out.usage());
    assertEquals("scripted/echo", out.model());
  }

  @Test
  void sequenceRepliesInOrderThenFailsClearly() {
    ScriptedChatModel m = ScriptedChatModel.sequence(List.of("one", "two"));
    assertEquals("one", m.generate(List.of(ChatMessage.user("q")), null).text());
    assertEquals("two", m.generate(List.of(ChatMessage.user("q")), null).text());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> m.generate(List.of(ChatMessage.user("q")), null));
    assertTrue(e.getMessage().contains("only 2 replies"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScriptedChatModel.sequence(List.of()));
  }

  @Test
  void configShapesTheReply() {
    ScriptedChatModel m = ScriptedChatModel.fixed(" B\nbecause reasons");
    GenerateConfig cfg = GenerateConfig.builder().prefill("ANSWER:").stop(List.of("\n")).build();
    ModelOutput out = m.generate(List.of(ChatMessage.user("q")), cfg);
    assertEquals("ANSWER: B", out.text());
    assertEquals(StopReason.STOP, out.stopReason());
    ModelOutput cut =
        m.generate(List.of(ChatMessage.user("q")), GenerateConfig.builder().maxTokens(1).build());
    assertEquals(" B\nb", cut.text());
    assertEquals(StopReason.MAX_TOKENS, cut.stopReason());
  }

  @Test
  void toolCallsStopWithToolCalls() {
    ScriptedChatModel m =
        new ScriptedChatModel(
            "scripted/tools",
            msgs -> new ChatMessage.Assistant("", List.of(new ToolCall("c1", "add", "{}"))));
    assertEquals(
        StopReason.TOOL_CALLS, m.generate(List.of(ChatMessage.user("q")), null).stopReason());
  }

  @Test
  void concurrentCallsAreAllCounted() throws Exception {
    ScriptedChatModel m = ScriptedChatModel.of("scripted/len", msgs -> "" + msgs.size());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 200; i++) {
      pool.submit(() -> m.generate(List.of(ChatMessage.user("q")), null));
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(200, m.calls());
    assertEquals(200, m.requests().size());
  }
}
