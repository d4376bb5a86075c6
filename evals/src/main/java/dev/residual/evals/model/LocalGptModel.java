package dev.residual.evals.model;

import dev.residual.io.Checkpoint;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.tokenizer.Tokenizer;
import dev.residual.transformer.train.DataPrep;
import dev.residual.transformer.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A Residual {@link GPT2} answering through the transformer module's {@link Generation} (provider
 * {@code local}).
 *
 * <p>Messages are rendered as plain text by a template. {@link #CHAT_TEMPLATE} (the default) writes
 * each system message's text followed by a blank line, then {@code "User: …\n"}, {@code "Assistant:
 * …\n"} and {@code "Tool (name): …\n"} lines, and ends with {@code "Assistant: "} plus any prefill;
 * generation also stops at {@code "\nUser:"} so the model does not write the next turn. {@link
 * #RAW_TEMPLATE} joins the message texts with newlines and appends the prefill, for base models
 * trained on bare text (such as the two-digit addition model).
 *
 * <p>Config mapping: temperature (null → 1.0; 0 → greedy), topP (null → 1.0), maxTokens (null →
 * {@link #DEFAULT_MAX_TOKENS}) as {@code maxNewTokens}, stop sequences as stop strings, seed (null
 * → 0, so runs are reproducible). Tools and response schemas are ignored (a small GPT has no tool
 * use). A stop token or stop string gives STOP, the token limit MAX_TOKENS. Usage counts the
 * prompt's and the completion's tokens. The returned text is the prefill plus the completion.
 *
 * <p>Calls are serialised (generation is not thread-safe), so concurrency gains nothing here.
 */
public final class LocalGptModel implements ChatModel {
  /** {@code maxNewTokens} when the config has no {@code maxTokens}. */
  public static final int DEFAULT_MAX_TOKENS = 256;

  /** Role-labelled transcript ending in {@code "Assistant: "}; see the class comment. */
  public static final Function<List<ChatMessage>, String> CHAT_TEMPLATE =
      messages -> {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
          if (m instanceof ChatMessage.System) {
            sb.append(m.text()).append("\n\n");
          } else if (m instanceof ChatMessage.User) {
            sb.append("User: ").append(m.text()).append('\n');
          } else if (m instanceof ChatMessage.Tool t) {
            sb.append("Tool (").append(t.name()).append("): ").append(t.text()).append('\n');
          } else {
            sb.append("Assistant: ").append(m.text()).append('\n');
          }
        }
        return sb.append("Assistant: ").toString();
      };

  /** The message texts joined with newlines; see the class comment. */
  public static final Function<List<ChatMessage>, String> RAW_TEMPLATE =
      messages -> {
        List<String> texts = new ArrayList<>();
        for (ChatMessage m : messages) {
          texts.add(m.text());
        }
        return String.join("\n", texts);
      };

  private final String name;
  private final Tokenizer tokenizer;
  private final Generation generation;
  private final Function<List<ChatMessage>, String> template;
  private final boolean chat;

  /**
   * @param name the model's name, e.g. {@code local/out/shakespeare}
   * @param model the network
   * @param tokenizer its tokenizer
   * @param template renders the conversation ({@link #CHAT_TEMPLATE} or {@link #RAW_TEMPLATE} or
   *     one's own); with {@link #CHAT_TEMPLATE} generation also stops at {@code "\nUser:"}
   */
  public LocalGptModel(
      String name, GPT2 model, Tokenizer tokenizer, Function<List<ChatMessage>, String> template) {
    this.name = Objects.requireNonNull(name, "LocalGptModel: name");
    this.tokenizer = Objects.requireNonNull(tokenizer, "LocalGptModel: tokenizer");
    this.template = Objects.requireNonNull(template, "LocalGptModel: template");
    this.generation =
        new Generation(Objects.requireNonNull(model, "LocalGptModel: model"), tokenizer);
    this.chat = template == CHAT_TEMPLATE;
  }

  /**
   * Loads a training checkpoint directory: the model from it ({@link Trainer#modelFrom}), the
   * tokenizer from {@code dir/meta.json} if present, else from the {@code meta.json} in the
   * checkpoint config's {@code dataDir}.
   *
   * @throws IllegalArgumentException if there is no checkpoint or no {@code meta.json}
   * @throws UncheckedIOException if a file cannot be read
   */
  public static LocalGptModel load(Path dir, Function<List<ChatMessage>, String> template) {
    try {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("LocalGptModel.load: no checkpoint directory " + dir);
      }
      Checkpoint.Contents ck = Checkpoint.load(dir);
      GPT2 model = Trainer.modelFrom(ck);
      Path meta = dir.resolve("meta.json");
      if (!Files.exists(meta) && ck.config().get("dataDir") != null) {
        meta = Path.of(String.valueOf(ck.config().get("dataDir")), "meta.json");
      }
      if (!Files.exists(meta)) {
        throw new IllegalArgumentException(
            "LocalGptModel.load: no meta.json (tokenizer) in "
                + dir
                + " or the checkpoint's dataDir");
      }
      return new LocalGptModel("local/" + dir, model, DataPrep.tokenizer(meta), template);
    } catch (IOException e) {
      throw new UncheckedIOException("LocalGptModel.load: cannot read " + dir, e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** The prompt text the template renders for {@code messages} and {@code config}'s prefill. */
  public String render(List<ChatMessage> messages, GenerateConfig config) {
    String prefill = config == null || config.prefill() == null ? "" : config.prefill();
    return template.apply(messages) + prefill;
  }

  /**
   * Generates a completion of the rendered conversation.
   *
   * @throws ModelException (not retryable) if the prompt is empty or holds text the tokenizer
   *     cannot encode
   */
  @Override
  public synchronized ModelOutput generate(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    GenerateConfig cfg = config == null ? GenerateConfig.DEFAULT : config;
    String prompt = render(messages, cfg);
    int[] ids;
    try {
      ids = tokenizer.encode(prompt);
    } catch (IllegalArgumentException e) {
      throw new ModelException(
          name + ": cannot tokenize the prompt: " + e.getMessage(), 0, false, e);
    }
    if (ids.length == 0) {
      throw new ModelException(name + ": the rendered prompt is empty", 0, false, null);
    }
    List<String> stops = new ArrayList<>(cfg.stop());
    if (chat) {
      stops.add("\nUser:");
    }
    GenerationConfig g =
        GenerationConfig.builder()
            .maxNewTokens(cfg.maxTokens() != null ? cfg.maxTokens() : DEFAULT_MAX_TOKENS)
            .temperature(cfg.temperature() != null ? cfg.temperature() : 1.0)
            .topP(cfg.topP() != null ? cfg.topP() : 1.0)
            .seed(cfg.seed() != null ? cfg.seed() : 0L)
            .stopStrings(stops)
            .build();
    Generation.Result r = generation.generate(ids, g);
    StopReason reason =
        r.finishReason() == Generation.FinishReason.LENGTH
            ? StopReason.MAX_TOKENS
            : StopReason.STOP;
    String prefill = cfg.prefill() == null ? "" : cfg.prefill();
    return new ModelOutput(
        name,
        new ChatMessage.Assistant(prefill + r.text()),
        reason,
        new TokenUsage(ids.length, r.tokens().length));
  }
}
