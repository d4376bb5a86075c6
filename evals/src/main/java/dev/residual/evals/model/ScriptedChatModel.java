package dev.residual.evals.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model that answers from a script instead of a network: for tests, demos and dry runs of an
 * evaluation. Thread-safe.
 *
 * <p>The responder maps the conversation to an assistant message. The reply then goes through what
 * a real model would do with the config: a prefill is prepended unless the reply already starts
 * with it; the text is cut before the first stop sequence (stop reason STOP); it is cut to {@code 4
 * * maxTokens} characters (stop reason MAX_TOKENS); a reply with tool calls stops with TOOL_CALLS.
 * Token usage is estimated as one token per four characters (rounded up) of every message text, the
 * estimate OpenAI quotes for English.
 */
public final class ScriptedChatModel implements ChatModel {
  private final String name;
  private final Function<List<ChatMessage>, ChatMessage.Assistant> responder;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<List<ChatMessage>> requests = Collections.synchronizedList(new ArrayList<>());

  /**
   * @param name the model's name, e.g. {@code scripted/echo}
   * @param responder the reply to a conversation; called concurrently, so it must be thread-safe
   */
  public ScriptedChatModel(
      String name, Function<List<ChatMessage>, ChatMessage.Assistant> responder) {
    this.name = Objects.requireNonNull(name, "ScriptedChatModel: name");
    this.responder = Objects.requireNonNull(responder, "ScriptedChatModel: responder");
  }

  /** Always replies {@code reply}. */
  public static ScriptedChatModel fixed(String reply) {
    Objects.requireNonNull(reply, "ScriptedChatModel.fixed: reply");
    return new ScriptedChatModel("scripted/fixed", m -> new ChatMessage.Assistant(reply));
  }

  /** Replies with the text of the last user message (empty if there is none). */
  public static ScriptedChatModel echo() {
    return new ScriptedChatModel(
        "scripted/echo",
        m -> {
          for (int i = m.size() - 1; i >= 0; i--) {
            if (m.get(i) instanceof ChatMessage.User u) {
              return new ChatMessage.Assistant(u.text());
            }
          }
          return new ChatMessage.Assistant("");
        });
  }

  /**
   * Replies {@code replies} in call order, one per call.
   *
   * @throws IllegalArgumentException if there are no replies
   * @see #generate the call after the last reply throws {@link IllegalStateException}
   */
  public static ScriptedChatModel sequence(List<String> replies) {
    if (replies.isEmpty()) {
      throw new IllegalArgumentException("ScriptedChatModel.sequence: no replies");
    }
    List<String> copy = List.copyOf(replies);
    AtomicInteger next = new AtomicInteger();
    return new ScriptedChatModel(
        "scripted/sequence",
        m -> {
          int i = next.getAndIncrement();
          if (i >= copy.size()) {
            throw new IllegalStateException(
                "ScriptedChatModel.sequence: call "
                    + (i + 1)
                    + " but only "
                    + copy.size()
                    + " replies scripted");
          }
          return new ChatMessage.Assistant(copy.get(i));
        });
  }

  /** Replies {@code f(conversation)} as plain text. */
  public static ScriptedChatModel of(String name, Function<List<ChatMessage>, String> f) {
    Objects.requireNonNull(f, "ScriptedChatModel.of: f");
    return new ScriptedChatModel(name, m -> new ChatMessage.Assistant(f.apply(m)));
  }

  @Override
  public String name() {
    return name;
  }

  /** How many times {@link #generate} has been called. */
  public int calls() {
    return calls.get();
  }

  /** A snapshot of every conversation received, in call order. */
  public List<List<ChatMessage>> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /**
   * The scripted reply, shaped by {@code config} as the class comment describes.
   *
   * @throws IllegalStateException if the script has no reply left
   */
  @Override
  public ModelOutput generate(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    Objects.requireNonNull(messages, "ScriptedChatModel.generate: messages");
    GenerateConfig cfg = config == null ? GenerateConfig.DEFAULT : config;
    List<ChatMessage> snapshot = List.copyOf(messages);
    calls.incrementAndGet();
    requests.add(snapshot);
    ChatMessage.Assistant reply = responder.apply(snapshot);
    String text = reply.text();
    String prefill = cfg.prefill();
    if (prefill != null && !text.startsWith(prefill)) {
      text = prefill + text;
    }
    StopReason reason = reply.toolCalls().isEmpty() ? StopReason.STOP : StopReason.TOOL_CALLS;
    int from = prefill == null ? 0 : prefill.length();
    int cut = -1;
    for (String s : cfg.stop()) {
      int at = s.isEmpty() ? -1 : text.indexOf(s, from);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    if (cut >= 0) {
      text = text.substring(0, cut);
      reason = StopReason.STOP;
    }
    if (cfg.maxTokens() != null && text.length() - from > 4L * cfg.maxTokens()) {
      text = text.substring(0, from + 4 * cfg.maxTokens());
      reason = StopReason.MAX_TOKENS;
    }
    long in = 0;
    for (ChatMessage m : snapshot) {
      in += estimateTokens(m.text());
    }
    TokenUsage usage = new TokenUsage(in, estimateTokens(text));
    return new ModelOutput(name, new ChatMessage.Assistant(text, reply.toolCalls()), reason, usage);
  }

  /** One token per four characters, rounded up. */
  static long estimateTokens(String text) {
    return (text.length() + 3) / 4;
  }
}
