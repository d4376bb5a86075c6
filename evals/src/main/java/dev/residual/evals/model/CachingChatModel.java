package dev.residual.evals.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk cache in front of another model, so that rerunning an evaluation costs nothing.
 *
 * <p>The key is the SHA-256 of a canonical JSON (object keys sorted, no whitespace) of the inner
 * model's {@link ChatModel#name()}, the messages (role, text, tool calls, tool call ids), every
 * {@link GenerateConfig} field, the tools and the epoch. The epoch is part of the key so that a
 * task run for several epochs gets independent samples at temperature &gt; 0 rather than one answer
 * repeated: the runner calls {@link #generate(List, GenerateConfig, List, int)}, or hands solvers
 * {@link #forEpoch(int)} (a plain {@link ChatModel} view that passes its epoch); the three-argument
 * {@code generate} uses epoch 0.
 *
 * <p>Entries live at {@code dir/ab/abcdef….json} holding the creation time and the output; they are
 * written to a temporary file in the same directory and moved into place atomically, so a killed
 * run never leaves a torn entry, and concurrent writers of one key simply race to the same content.
 * Entries older than the expiry (if any) and unreadable entries count as misses and are
 * overwritten. Failed calls are not cached. Two concurrent identical calls may both miss and both
 * reach the inner model.
 */
public final class CachingChatModel implements ChatModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatModel inner;
  private final Path dir;
  private final Duration expiry;
  private final Clock clock;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param inner the model to call on a miss
   * @param dir the cache directory (created if absent)
   * @param expiry how long an entry stays valid, or null for ever
   */
  public CachingChatModel(ChatModel inner, Path dir, Duration expiry) {
    this(inner, dir, expiry, Clock.systemUTC());
  }

  /**
   * As {@link #CachingChatModel(ChatModel, Path, Duration)} with a clock (for testing expiry).
   *
   * @throws IllegalArgumentException if {@code expiry} is negative
   */
  public CachingChatModel(ChatModel inner, Path dir, Duration expiry, Clock clock) {
    this.inner = Objects.requireNonNull(inner, "CachingChatModel: inner");
    this.dir = Objects.requireNonNull(dir, "CachingChatModel: dir");
    this.clock = Objects.requireNonNull(clock, "CachingChatModel: clock");
    if (expiry != null && expiry.isNegative()) {
      throw new IllegalArgumentException("CachingChatModel: expiry must be >= 0, got " + expiry);
    }
    this.expiry = expiry;
  }

  /** The inner model's name (the cache is transparent). */
  @Override
  public String name() {
    return inner.name();
  }

  /** The wrapped model. */
  public ChatModel inner() {
    return inner;
  }

  /** Calls answered from disk. */
  public long hits() {
    return hits.get();
  }

  /** Calls passed to the inner model. */
  public long misses() {
    return misses.get();
  }

  /** {@code generate(messages, config, tools, 0)}. */
  @Override
  public ModelOutput generate(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    return generate(messages, config, tools, 0);
  }

  /**
   * The cached output for these arguments and epoch, or the inner model's (then cached).
   *
   * @param epoch the evaluation epoch (0-based); part of the key
   * @throws ModelException as the inner model throws
   * @throws UncheckedIOException if a cache entry cannot be written
   */
  public ModelOutput generate(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools, int epoch) {
    GenerateConfig cfg = config == null ? GenerateConfig.DEFAULT : config;
    List<ToolDef> tl = tools == null ? List.of() : tools;
    String key = key(messages, cfg, tl, epoch);
    Path file = dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    ModelOutput cached = read(file);
    if (cached != null) {
      hits.incrementAndGet();
      return cached;
    }
    misses.incrementAndGet();
    ModelOutput out = inner.generate(messages, cfg, tl);
    write(file, out);
    return out;
  }

  /** A view of this cache that passes {@code epoch} with every call. */
  public ChatModel forEpoch(int epoch) {
    CachingChatModel self = this;
    return new ChatModel() {
      @Override
      public String name() {
        return self.name();
      }

      @Override
      public ModelOutput generate(
          List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
        return self.generate(messages, config, tools, epoch);
      }
    };
  }

  /** The hex SHA-256 cache key of these arguments. */
  public String key(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools, int epoch) {
    ObjectNode k = JSON.createObjectNode();
    k.put("model", inner.name());
    k.put("epoch", epoch);
    ArrayNode ms = k.putArray("messages");
    for (ChatMessage m : messages) {
      ObjectNode o = ms.addObject();
      o.put("role", m.role());
      o.put("text", m.text());
      if (m instanceof ChatMessage.Assistant a) {
        ArrayNode calls = o.putArray("toolCalls");
        for (ToolCall c : a.toolCalls()) {
          calls
              .addObject()
              .put("id", c.id())
              .put("name", c.name())
              .put("arguments", c.argumentsJson());
        }
      } else if (m instanceof ChatMessage.Tool t) {
        o.put("toolCallId", t.toolCallId());
        o.put("name", t.name());
      }
    }
    ObjectNode c = k.putObject("config");
    c.put("temperature", config.temperature());
    c.put("topP", config.topP());
    c.put("maxTokens", config.maxTokens());
    ArrayNode stop = c.putArray("stop");
    config.stop().forEach(stop::add);
    c.put("seed", config.seed());
    c.put("prefill", config.prefill());
    c.set("responseSchema", config.responseSchema());
    c.put("responseSchemaName", config.responseSchemaName());
    ArrayNode ts = k.putArray("tools");
    for (ToolDef t : tools) {
      ObjectNode o = ts.addObject();
      o.put("name", t.name());
      o.put("description", t.description());
      o.set("parameters", t.parameters());
    }
    String canonical;
    try {
      canonical = JSON.writeValueAsString(sorted(k));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("CachingChatModel: cannot serialise the key", e);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("CachingChatModel: no SHA-256", e);
    }
  }

  /** A copy of {@code n} with every object's keys in sorted order. */
  private static JsonNode sorted(JsonNode n) {
    if (n == null) {
      return JSON.nullNode();
    }
    if (n.isObject()) {
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        fields.put(f, sorted(n.get(f)));
      }
      ObjectNode o = JSON.createObjectNode();
      fields.forEach(o::set);
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JSON.createArrayNode();
      n.forEach(e -> a.add(sorted(e)));
      return a;
    }
    return n;
  }

  private ModelOutput read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode e = JSON.readTree(file.toFile());
      long created = e.get("created").asLong();
      if (expiry != null && clock.millis() - created > expiry.toMillis()) {
        return null;
      }
      JsonNode o = e.get("output");
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode c : o.withArray("toolCalls")) {
        calls.add(
            new ToolCall(
                c.get("id").asText(), c.get("name").asText(), c.get("arguments").asText()));
      }
      return new ModelOutput(
          o.hasNonNull("model") ? o.get("model").asText() : null,
          new ChatMessage.Assistant(o.get("text").asText(), calls),
          StopReason.valueOf(o.get("stopReason").asText()),
          new TokenUsage(o.at("/usage/input").asLong(), o.at("/usage/output").asLong()));
    } catch (IOException | RuntimeException ex) {
      return null; // a damaged entry is a miss; the fresh answer overwrites it
    }
  }

  private void write(Path file, ModelOutput out) {
    ObjectNode e = JSON.createObjectNode();
    e.put("created", clock.millis());
    ObjectNode o = e.putObject("output");
    o.put("model", out.model());
    o.put("text", out.text());
    ArrayNode calls = o.putArray("toolCalls");
    for (ToolCall c : out.toolCalls()) {
      calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.argumentsJson());
    }
    o.put("stopReason", out.stopReason().name());
    o.putObject("usage")
        .put("input", out.usage().inputTokens())
        .put("output", out.usage().outputTokens());
    try {
      Path parent = file.getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, JSON.writeValueAsBytes(e));
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException ex) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("CachingChatModel: cannot write cache entry " + file, ex);
    }
  }
}
