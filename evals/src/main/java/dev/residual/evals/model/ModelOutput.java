package dev.residual.evals.model;

import java.util.List;
import java.util.Objects;

/**
 * What one generation returned.
 *
 * @param model the model that answered (as the provider names it)
 * @param message the assistant message (text and tool calls)
 * @param stopReason why it stopped
 * @param usage tokens used
 */
public record ModelOutput(
    String model, ChatMessage.Assistant message, StopReason stopReason, TokenUsage usage) {
  public ModelOutput {
    Objects.requireNonNull(message, "ModelOutput: message");
    stopReason = stopReason == null ? StopReason.UNKNOWN : stopReason;
    usage = usage == null ? TokenUsage.ZERO : usage;
  }

  /** The message text. */
  public String text() {
    return message.text();
  }

  /** The tool calls (empty when none). */
  public List<ToolCall> toolCalls() {
    return message.toolCalls();
  }
}
