package dev.residual.evals.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat message as the log stores it (a flat record, since {@link ChatMessage} is a sealed
 * interface Jackson cannot read back without type information).
 *
 * @param role system, user, assistant or tool
 * @param text the text
 * @param toolCalls an assistant's tool calls (empty otherwise)
 * @param toolCallId a tool result's call id (null otherwise)
 * @param name a tool result's function name (null otherwise)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LogMessage(
    String role, String text, List<ToolCall> toolCalls, String toolCallId, String name) {
  /** Copies the tool calls (null becomes empty). */
  public LogMessage {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    text = text == null ? "" : text;
  }

  /** The log form of {@code m}. */
  public static LogMessage of(ChatMessage m) {
    if (m instanceof ChatMessage.Assistant a) {
      return new LogMessage("assistant", a.text(), a.toolCalls(), null, null);
    }
    if (m instanceof ChatMessage.Tool t) {
      return new LogMessage("tool", t.text(), List.of(), t.toolCallId(), t.name());
    }
    return new LogMessage(m.role(), m.text(), List.of(), null, null);
  }

  /** The log form of each message. */
  public static List<LogMessage> of(List<ChatMessage> ms) {
    List<LogMessage> out = new ArrayList<>(ms.size());
    for (ChatMessage m : ms) {
      out.add(of(m));
    }
    return out;
  }

  /**
   * Back to a {@link ChatMessage}.
   *
   * @throws IllegalStateException for an unknown role
   */
  public ChatMessage toChatMessage() {
    return switch (role) {
      case "system" -> ChatMessage.system(text);
      case "user" -> ChatMessage.user(text);
      case "assistant" -> new ChatMessage.Assistant(text, toolCalls);
      case "tool" -> ChatMessage.tool(toolCallId, name, text);
      default -> throw new IllegalStateException("LogMessage: unknown role " + role);
    };
  }
}
