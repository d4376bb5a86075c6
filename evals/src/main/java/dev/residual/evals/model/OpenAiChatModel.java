package dev.residual.evals.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible Chat Completions model ({@code POST {baseUrl}/chat/completions}), so also
 * vLLM, llama.cpp and Ollama servers through their {@code /v1} roots.
 *
 * <p>Request mapping: messages become {@code system}/{@code user}/{@code assistant} entries, an
 * assistant's tool calls {@code tool_calls: [{id, type: "function", function: {name, arguments}}]}
 * with arguments as a JSON string, and tool results {@code role: "tool"} with {@code tool_call_id};
 * config fields become {@code temperature}, {@code top_p}, {@code max_tokens} (chosen over {@code
 * max_completion_tokens} because compatible servers understand it), {@code stop}, {@code seed};
 * tools become {@code tools: [{type: "function", function: {name, description, parameters}}]}; a
 * response schema becomes {@code response_format: {type: "json_schema", json_schema: {name, schema,
 * strict: true}}} (name defaulting to {@code "response"}).
 *
 * <p>Prefill: the API has none, so the prefill is sent as a trailing assistant message (servers
 * such as vLLM and llama.cpp continue it); the returned text is the prefill followed by the
 * completion, unless the completion already starts with the prefill (a server that echoes it).
 *
 * <p>Response mapping: {@code choices[0].message.content} and {@code tool_calls}, {@code
 * finish_reason} ({@code stop} → STOP, {@code length} → MAX_TOKENS, {@code tool_calls}/{@code
 * function_call} → TOOL_CALLS, {@code content_filter} → CONTENT_FILTER), {@code
 * usage.prompt_tokens} and {@code completion_tokens}. Errors and retries: see {@link
 * HttpChatModel}.
 */
public final class OpenAiChatModel extends HttpChatModel {
  /** OpenAI's API root. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private final String model;

  /**
   * @param model the model id sent in the request, e.g. {@code gpt-4o-mini}
   * @param settings transport settings (base URL, key, retries, limits)
   */
  public OpenAiChatModel(String model, HttpSettings settings) {
    super("openai/" + model, settings);
    this.model = model;
  }

  /**
   * A model at OpenAI with the key from {@code OPENAI_API_KEY} and default settings.
   *
   * @throws IllegalStateException if {@code OPENAI_API_KEY} is not set
   */
  public static OpenAiChatModel fromEnv(String model) {
    String key = System.getenv("OPENAI_API_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalStateException(
          "OpenAiChatModel: OPENAI_API_KEY is not set (model " + model + ")");
    }
    return new OpenAiChatModel(model, HttpSettings.defaults(DEFAULT_BASE_URL, key));
  }

  @Override
  protected String path() {
    return "/chat/completions";
  }

  @Override
  protected Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    if (settings().apiKey() != null) {
      h.put("Authorization", "Bearer " + settings().apiKey());
    }
    return h;
  }

  @Override
  protected ObjectNode requestBody(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode msgs = root.putArray("messages");
    for (ChatMessage m : messages) {
      ObjectNode o = msgs.addObject();
      o.put("role", m.role());
      if (m instanceof ChatMessage.Assistant a && !a.toolCalls().isEmpty()) {
        if (a.text().isEmpty()) {
          o.putNull("content");
        } else {
          o.put("content", a.text());
        }
        ArrayNode calls = o.putArray("tool_calls");
        for (ToolCall c : a.toolCalls()) {
          ObjectNode co = calls.addObject();
          co.put("id", c.id());
          co.put("type", "function");
          ObjectNode f = co.putObject("function");
          f.put("name", c.name());
          f.put("arguments", c.argumentsJson());
        }
      } else if (m instanceof ChatMessage.Tool t) {
        o.put("tool_call_id", t.toolCallId());
        o.put("content", t.text());
      } else {
        o.put("content", m.text());
      }
    }
    if (config.prefill() != null && !config.prefill().isEmpty()) {
      ObjectNode o = msgs.addObject();
      o.put("role", "assistant");
      o.put("content", config.prefill());
    }
    if (config.temperature() != null) {
      root.put("temperature", config.temperature());
    }
    if (config.topP() != null) {
      root.put("top_p", config.topP());
    }
    if (config.maxTokens() != null) {
      root.put("max_tokens", config.maxTokens());
    }
    if (!config.stop().isEmpty()) {
      ArrayNode s = root.putArray("stop");
      config.stop().forEach(s::add);
    }
    if (config.seed() != null) {
      root.put("seed", config.seed());
    }
    if (!tools.isEmpty()) {
      ArrayNode ts = root.putArray("tools");
      for (ToolDef t : tools) {
        ObjectNode to = ts.addObject();
        to.put("type", "function");
        ObjectNode f = to.putObject("function");
        f.put("name", t.name());
        f.put("description", t.description());
        f.set("parameters", t.parameters());
      }
    }
    if (config.responseSchema() != null) {
      ObjectNode rf = root.putObject("response_format");
      rf.put("type", "json_schema");
      ObjectNode js = rf.putObject("json_schema");
      js.put(
          "name", config.responseSchemaName() != null ? config.responseSchemaName() : "response");
      js.set("schema", config.responseSchema());
      js.put("strict", true);
    }
    return root;
  }

  @Override
  protected ModelOutput parse(JsonNode body, GenerateConfig config) {
    JsonNode choices = body.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      throw malformed("no choices[0]", body);
    }
    JsonNode choice = choices.get(0);
    JsonNode msg = choice.get("message");
    if (msg == null || !msg.isObject()) {
      throw malformed("no choices[0].message", body);
    }
    String text = msg.hasNonNull("content") ? msg.get("content").asText() : "";
    String prefill = config.prefill();
    if (prefill != null && !prefill.isEmpty() && !text.startsWith(prefill)) {
      text = prefill + text;
    }
    List<ToolCall> calls = new ArrayList<>();
    JsonNode tc = msg.get("tool_calls");
    if (tc != null && tc.isArray()) {
      for (JsonNode c : tc) {
        JsonNode f = c.get("function");
        if (f == null || !f.hasNonNull("name") || !c.hasNonNull("id")) {
          throw malformed("a tool call without id or function.name", body);
        }
        JsonNode args = f.get("arguments");
        String argText;
        if (args == null || args.isNull()) {
          argText = "{}";
        } else if (args.isTextual()) {
          argText = args.asText();
        } else {
          argText = writeJson(args); // some compatible servers send an object
        }
        calls.add(new ToolCall(c.get("id").asText(), f.get("name").asText(), argText));
      }
    }
    String finish = choice.hasNonNull("finish_reason") ? choice.get("finish_reason").asText() : "";
    StopReason reason =
        switch (finish) {
          case "stop" -> StopReason.STOP;
          case "length" -> StopReason.MAX_TOKENS;
          case "tool_calls", "function_call" -> StopReason.TOOL_CALLS;
          case "content_filter" -> StopReason.CONTENT_FILTER;
          default -> StopReason.UNKNOWN;
        };
    JsonNode u = body.get("usage");
    TokenUsage usage =
        u == null || !u.isObject()
            ? TokenUsage.ZERO
            : new TokenUsage(
                u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0));
    String served = body.hasNonNull("model") ? body.get("model").asText() : model;
    return new ModelOutput(served, new ChatMessage.Assistant(text, calls), reason, usage);
  }

  static String writeJson(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + n, e);
    }
  }
}
