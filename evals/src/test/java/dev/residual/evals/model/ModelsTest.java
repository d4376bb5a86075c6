package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {
  @Test
  void providersAreChosenByPrefix() {
    ChatModel o = Models.get("openai/gpt-4o-mini", Map.of("OPENAI_API_KEY", "k"));
    assertInstanceOf(OpenAiChatModel.class, o);
    assertEquals("openai/gpt-4o-mini", o.name());
    assertEquals(OpenAiChatModel.DEFAULT_BASE_URL, ((OpenAiChatModel) o).settings().baseUrl());
    ChatModel a = Models.get("anthropic/claude-3-5-haiku-latest", Map.of("ANTHROPIC_API_KEY", "k"));
    assertInstanceOf(AnthropicChatModel.class, a);
    assertEquals("k", ((AnthropicChatModel) a).settings().apiKey());
  }

  @Test
  void customBaseUrlNeedsNoKey() {
    OpenAiChatModel m =
        (OpenAiChatModel)
            Models.get("openai/llama-3-8b", Map.of("OPENAI_BASE_URL", "http://localhost:8000/v1/"));
    assertEquals("http://localhost:8000/v1", m.settings().baseUrl());
    assertNull(m.settings().apiKey());
  }

  @Test
  void scriptedModelsEchoOrReplyFixedText() {
    List<ChatMessage> q = List.of(ChatMessage.user("hello"));
    assertEquals("hello", Models.get("scripted/echo", Map.of()).generate(q, null).text());
    ChatModel f = Models.get("scripted/ANSWER: A", Map.of());
    assertEquals("ANSWER: A", f.generate(q, null).text());
    assertEquals("scripted/ANSWER: A", f.name());
  }

  @Test
  void missingKeysAndUnknownProvidersFailClearly() {
    IllegalStateException k =
        assertThrows(IllegalStateException.class, () -> Models.get("openai/gpt-4o", Map.of()));
    assertTrue(k.getMessage().contains("OPENAI_API_KEY"), k.getMessage());
    IllegalStateException ak =
        assertThrows(IllegalStateException.class, () -> Models.get("anthropic/claude", Map.of()));
    assertTrue(ak.getMessage().contains("ANTHROPIC_API_KEY"), ak.getMessage());
    IllegalArgumentException u =
        assertThrows(IllegalArgumentException.class, () -> Models.get("gemini/pro", Map.of()));
    assertTrue(u.getMessage().contains("unknown provider 'gemini'"), u.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Models.get("gpt-4o", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Models.get("openai/", Map.of()));
  }
}
