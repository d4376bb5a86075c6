package dev.residual.evals;

import dev.residual.evals.model.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One evaluation example.
 *
 * @param input the prompt as messages (a plain string input becomes one user message)
 * @param choices answer options for multiple choice (empty otherwise)
 * @param targets the correct answer(s): text, or choice letters for multiple choice
 * @param id a stable id (used for resuming and in logs); never null
 * @param metadata anything else (for grouping metrics, templates, scorers)
 */
public record Sample(
    List<ChatMessage> input,
    List<String> choices,
    List<String> targets,
    String id,
    Map<String, Object> metadata) {
  public Sample {
    Objects.requireNonNull(input, "Sample: input");
    Objects.requireNonNull(id, "Sample: id");
    if (input.isEmpty()) {
      throw new IllegalArgumentException("Sample " + id + ": input has no messages");
    }
    input = List.copyOf(input);
    choices = choices == null ? List.of() : List.copyOf(choices);
    targets = targets == null ? List.of() : List.copyOf(targets);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A sample with a string input and one target. */
  public static Sample of(String id, String input, String target) {
    return new Sample(List.of(ChatMessage.user(input)), List.of(), List.of(target), id, Map.of());
  }

  /** The input as text: the last user message's text. */
  public String inputText() {
    for (int i = input.size() - 1; i >= 0; i--) {
      if (input.get(i) instanceof ChatMessage.User u) {
        return u.text();
      }
    }
    return input.get(input.size() - 1).text();
  }

  /** The first target, or "" when there is none. */
  public String target() {
    return targets.isEmpty() ? "" : targets.get(0);
  }
}
