package dev.residual.evals.model;

import java.util.List;
import java.util.Objects;

/**
 * One message of a chat: system, user, assistant (possibly with tool calls) or a tool result.
 * Providers translate these to their wire formats (OpenAI's {@code role: tool}, Anthropic's {@code
 * tool_use}/{@code tool_result} blocks and top-level system).
 */
public sealed interface ChatMessage
    permits ChatMessage.System, ChatMessage.User, ChatMessage.Assistant, ChatMessage.Tool {
  /** The text content ("" when there is none). */
  String text();

  /** {@code "system"}, {@code "user"}, {@code "assistant"} or {@code "tool"}. */
  String role();

  /** Instructions for the model. */
  record System(String text) implements ChatMessage {
    public System {
      Objects.requireNonNull(text, "ChatMessage.System: text");
    }

    @Override
    public String role() {
      return "system";
    }
  }

  /** A user turn. */
  record User(String text) implements ChatMessage {
    public User {
      Objects.requireNonNull(text, "ChatMessage.User: text");
    }

    @Override
    public String role() {
      return "user";
    }
  }

  /** A model turn: text and any tool calls it made. */
  record Assistant(String text, List<ToolCall> toolCalls) implements ChatMessage {
    public Assistant {
      text = text == null ? "" : text;
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** An assistant turn without tool calls. */
    public Assistant(String text) {
      this(text, List.of());
    }

    @Override
    public String role() {
      return "assistant";
    }
  }

  /** The result of the tool call {@code toolCallId} (to function {@code name}). */
  record Tool(String toolCallId, String name, String text) implements ChatMessage {
    public Tool {
      Objects.requireNonNull(toolCallId, "ChatMessage.Tool: toolCallId");
      Objects.requireNonNull(text, "ChatMessage.Tool: text");
    }

    @Override
    public String role() {
      return "tool";
    }
  }

  /** A system message. */
  static System system(String text) {
    return new System(text);
  }

  /** A user message. */
  static User user(String text) {
    return new User(text);
  }

  /** An assistant message without tool calls. */
  static Assistant assistant(String text) {
    return new Assistant(text);
  }

  /** A tool result. */
  static Tool tool(String toolCallId, String name, String text) {
    return new Tool(toolCallId, name, text);
  }
}
