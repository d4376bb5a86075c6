package dev.residual.evals.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Anthropic Messages API model ({@code POST {baseUrl}/messages}, headers {@code x-api-key} and
 * {@code anthropic-version: 2023-06-01}).
 *
 * <p>Request mapping: system messages are joined (blank line between) into the top-level {@code
 * system} field; every other message becomes content blocks: text as {@code {type: "text"}}, an
 * assistant's tool calls as {@code {type: "tool_use", id, name, input}} (the arguments JSON parsed
 * to an object), tool results as {@code {type: "tool_result", tool_use_id, content}} in a user
 * turn. Consecutive turns of the same role are merged into one (the API wants user and assistant to
 * alternate, and several tool results answer one assistant turn). {@code max_tokens} is required by
 * the API: the config's, else {@link #DEFAULT_MAX_TOKENS}. Stop sequences go in {@code
 * stop_sequences}; tools as {@code {name, description, input_schema}}. A seed and a response schema
 * are not sent (the API has neither). Prefill is a trailing assistant message with the prefill
 * text; the returned text is the prefill followed by the completion.
 *
 * <p>Response mapping: text blocks concatenated, {@code tool_use} blocks as tool calls; {@code
 * stop_reason} {@code end_turn}/{@code stop_sequence} → STOP, {@code max_tokens} → MAX_TOKENS,
 * {@code tool_use} → TOOL_CALLS, {@code refusal} → CONTENT_FILTER; {@code usage.input_tokens} and
 * {@code output_tokens}. Errors and retries: see {@link HttpChatModel} (529 "overloaded" is a 5xx,
 * so retryable).
 */
public final class AnthropicChatModel extends HttpChatModel {
  /** Anthropic's API root. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";

  /** The API version header sent. */
  public static final String API_VERSION = "2023-06-01";

  /** {@code max_tokens} when the config has none. */
  public static final int DEFAULT_MAX_TOKENS = 1024;

  private final String model;

  /**
   * @param model the model id sent in the request, e.g. {@code claude-3-5-haiku-latest}
   * @param settings transport settings (base URL, key, retries, limits)
   */
  public AnthropicChatModel(String model, HttpSettings settings) {
    super("anthropic/" + model, settings);
    this.model = model;
  }

  /**
   * A model at Anthropic with the key from {@code ANTHROPIC_API_KEY} and default settings.
   *
   * @throws IllegalStateException if {@code ANTHROPIC_API_KEY} is not set
   */
  public static AnthropicChatModel fromEnv(String model) {
    String key = System.getenv("ANTHROPIC_API_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalStateException(
          "AnthropicChatModel: ANTHROPIC_API_KEY is not set (model " + model + ")");
    }
    return new AnthropicChatModel(model, HttpSettings.defaults(DEFAULT_BASE_URL, key));
  }

  @Override
  protected String path() {
    return "/messages";
  }

  @Override
  protected Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    if (settings().apiKey() != null) {
      h.put("x-api-key", settings().apiKey());
    }
    h.put("anthropic-version", API_VERSION);
    return h;
  }

  @Override
  protected ObjectNode requestBody(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    root.put("max_tokens", config.maxTokens() != null ? config.maxTokens() : DEFAULT_MAX_TOKENS);
    StringBuilder system = new StringBuilder();
    ArrayNode msgs = JSON.createArrayNode();
    String lastRole = null;
    ArrayNode lastContent = null;
    for (ChatMessage m : messages) {
      if (m instanceof ChatMessage.System s) {
        if (system.length() > 0) {
          system.append("\n\n");
        }
        system.append(s.text());
        continue;
      }
      String role = m instanceof ChatMessage.Assistant ? "assistant" : "user";
      if (!role.equals(lastRole)) {
        ObjectNode o = msgs.addObject();
        o.put("role", role);
        lastContent = o.putArray("content");
        lastRole = role;
      }
      if (m instanceof ChatMessage.Tool t) {
        ObjectNode b = lastContent.addObject();
        b.put("type", "tool_result");
        b.put("tool_use_id", t.toolCallId());
        b.put("content", t.text());
      } else {
        if (!m.text().isEmpty()) {
          ObjectNode b = lastContent.addObject();
          b.put("type", "text");
          b.put("text", m.text());
        }
        if (m instanceof ChatMessage.Assistant a) {
          for (ToolCall c : a.toolCalls()) {
            ObjectNode b = lastContent.addObject();
            b.put("type", "tool_use");
            b.put("id", c.id());
            b.put("name", c.name());
            b.set("input", parseArguments(c));
          }
        }
      }
    }
    String prefill = config.prefill();
    if (prefill != null && !prefill.isEmpty()) {
      if (!"assistant".equals(lastRole)) {
        ObjectNode o = msgs.addObject();
        o.put("role", "assistant");
        lastContent = o.putArray("content");
      }
      ObjectNode b = lastContent.addObject();
      b.put("type", "text");
      b.put("text", prefill);
    }
    if (system.length() > 0) {
      root.put("system", system.toString());
    }
    root.set("messages", msgs);
    if (config.temperature() != null) {
      root.put("temperature", config.temperature());
    }
    if (config.topP() != null) {
      root.put("top_p", config.topP());
    }
    if (!config.stop().isEmpty()) {
      ArrayNode s = root.putArray("stop_sequences");
      config.stop().forEach(s::add);
    }
    if (!tools.isEmpty()) {
      ArrayNode ts = root.putArray("tools");
      for (ToolDef t : tools) {
        ObjectNode to = ts.addObject();
        to.put("name", t.name());
        to.put("description", t.description());
        to.set("input_schema", t.parameters());
      }
    }
    return root;
  }

  private static JsonNode parseArguments(ToolCall c) {
    try {
      JsonNode n = JSON.readTree(c.argumentsJson());
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(
            "AnthropicChatModel: tool call "
                + c.id()
                + " arguments are not a JSON object: "
                + c.argumentsJson());
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "AnthropicChatModel: tool call "
              + c.id()
              + " arguments are not valid JSON: "
              + c.argumentsJson(),
          e);
    }
  }

  @Override
  protected ModelOutput parse(JsonNode body, GenerateConfig config) {
    JsonNode content = body.get("content");
    if (content == null || !content.isArray()) {
      throw malformed("no content array", body);
    }
    StringBuilder text = new StringBuilder();
    if (config.prefill() != null) {
      text.append(config.prefill());
    }
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode b : content) {
      String type = b.path("type").asText();
      if ("text".equals(type)) {
        text.append(b.path("text").asText());
      } else if ("tool_use".equals(type)) {
        if (!b.hasNonNull("id") || !b.hasNonNull("name")) {
          throw malformed("a tool_use block without id or name", body);
        }
        JsonNode input = b.get("input");
        calls.add(
            new ToolCall(
                b.get("id").asText(),
                b.get("name").asText(),
                input == null || input.isNull() ? "{}" : OpenAiChatModel.writeJson(input)));
      }
    }
    String sr = body.hasNonNull("stop_reason") ? body.get("stop_reason").asText() : "";
    StopReason reason =
        switch (sr) {
          case "end_turn", "stop_sequence" -> StopReason.STOP;
          case "max_tokens" -> StopReason.MAX_TOKENS;
          case "tool_use" -> StopReason.TOOL_CALLS;
          case "refusal" -> StopReason.CONTENT_FILTER;
          default -> StopReason.UNKNOWN;
        };
    JsonNode u = body.get("usage");
    TokenUsage usage =
        u == null || !u.isObject()
            ? TokenUsage.ZERO
            : new TokenUsage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0));
    String served = body.hasNonNull("model") ? body.get("model").asText() : model;
    return new ModelOutput(
        served, new ChatMessage.Assistant(text.toString(), calls), reason, usage);
  }
}
