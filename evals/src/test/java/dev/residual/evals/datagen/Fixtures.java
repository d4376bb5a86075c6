package dev.residual.evals.datagen;

import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.StopReason;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Shared questions and fake models for the datagen tests. */
final class Fixtures {
  private Fixtures() {}

  /** A valid two-answer question whose matching answer is {@code match}. */
  static McQuestion question(String text, String category, String match) {
    String other = match.equals("A") ? "B" : "A";
    return new McQuestion(
        "You are an assistant.",
        text,
        Map.of("A", "Yes", "B", "No"),
        List.of(match),
        List.of(other),
        category);
  }

  /** A question as JSON text, built by hand so tests see the wire format. */
  static String questionJson(String text, String match, String notMatch) {
    return "{\"system\": \"You are an assistant.\", \"question\": \""
        + text
        + "\", \"answers\": {\"A\": \"Yes\", \"B\": \"No\"}, \"answer_matching_behavior\": [\""
        + match
        + "\"], \"answer_not_matching_behavior\": [\""
        + notMatch
        + "\"], \"behavior_category\": \"cat\"}";
  }

  /** A batch answer holding {@code questions} (JSON texts). */
  static String batch(String reasoning, String... questions) {
    return "{\"reasoning\": \""
        + reasoning
        + "\", \"questions\": ["
        + String.join(", ", questions)
        + "]}";
  }

  /**
   * A model answering with {@code reply(messages)}, recording every request (messages and config)
   * and reporting 10 input and 5 output tokens per call.
   */
  static final class FakeModel implements ChatModel {
    final List<List<ChatMessage>> requests = Collections.synchronizedList(new ArrayList<>());
    final List<GenerateConfig> configs = Collections.synchronizedList(new ArrayList<>());
    private final Function<List<ChatMessage>, String> reply;

    FakeModel(Function<List<ChatMessage>, String> reply) {
      this.reply = reply;
    }

    @Override
    public String name() {
      return "fake/model";
    }

    @Override
    public ModelOutput generate(
        List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
      requests.add(messages);
      configs.add(config);
      return new ModelOutput(
          "fake",
          new ChatMessage.Assistant(reply.apply(messages)),
          StopReason.STOP,
          new TokenUsage(10, 5));
    }
  }

  /** A model returning {@code replies} in turn (the last one repeated). */
  static FakeModel scripted(String... replies) {
    int[] next = {0};
    return new FakeModel(
        m -> {
          synchronized (next) {
            String r = replies[Math.min(next[0], replies.length - 1)];
            next[0]++;
            return r;
          }
        });
  }
}
