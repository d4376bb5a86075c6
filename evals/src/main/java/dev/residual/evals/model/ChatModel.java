package dev.residual.evals.model;

import java.util.List;

/**
 * A chat model: a provider's API, a local GPT, or a scripted stand-in. Implementations are
 * thread-safe (the runner calls them concurrently).
 */
public interface ChatModel {
  /** {@code provider/model}, e.g. {@code openai/gpt-4o-mini}. */
  String name();

  /**
   * One completion.
   *
   * @param messages the conversation so far
   * @param config generation settings ({@link GenerateConfig#DEFAULT} for the provider's)
   * @param tools functions the model may call (empty for none)
   * @throws ModelException when the call fails for good (after any retries)
   */
  ModelOutput generate(List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools);

  /** {@code generate(messages, config, List.of())}. */
  default ModelOutput generate(List<ChatMessage> messages, GenerateConfig config) {
    return generate(messages, config, List.of());
  }
}
