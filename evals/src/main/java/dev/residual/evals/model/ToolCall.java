package dev.residual.evals.model;

import java.util.Objects;

/**
 * A function call the model asked for.
 *
 * @param id the provider's id for it (echoed in the {@link ChatMessage.Tool} result)
 * @param name the function
 * @param argumentsJson its arguments as a JSON object text (OpenAI sends a JSON string; Anthropic's
 *     {@code input} object is serialised to the same form)
 */
public record ToolCall(String id, String name, String argumentsJson) {
  public ToolCall {
    Objects.requireNonNull(id, "ToolCall: id");
    Objects.requireNonNull(name, "ToolCall: name");
    argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
  }
}
