package dev.residual.evals.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Builds models from {@code provider/model} names:
 *
 * <ul>
 *   <li>{@code openai/MODEL}: {@link OpenAiChatModel} with the key from {@code OPENAI_API_KEY} and
 *       the base URL from {@code OPENAI_BASE_URL} (default {@link
 *       OpenAiChatModel#DEFAULT_BASE_URL}); with a base URL set the key may be absent (local vLLM,
 *       llama.cpp or Ollama servers need none).
 *   <li>{@code anthropic/MODEL}: {@link AnthropicChatModel} with {@code ANTHROPIC_API_KEY} and
 *       {@code ANTHROPIC_BASE_URL} likewise.
 *   <li>{@code local/PATH}: {@link LocalGptModel#load} of the checkpoint directory {@code PATH}
 *       with {@link LocalGptModel#CHAT_TEMPLATE}.
 *   <li>{@code scripted/echo}: {@link ScriptedChatModel#echo()} (replies with the last user
 *       message); {@code scripted/TEXT} for any other text: always replies {@code TEXT}.
 * </ul>
 *
 * HTTP providers get {@link HttpSettings#defaults}. Wrap the result in a {@link CachingChatModel}
 * for a disk cache.
 */
public final class Models {
  private Models() {}

  /**
   * The model {@code spec} names, configured from the process environment.
   *
   * @throws IllegalArgumentException if the spec is not {@code provider/model} or the provider is
   *     unknown
   * @throws IllegalStateException if a required API key is not set
   */
  public static ChatModel get(String spec) {
    return get(spec, System.getenv());
  }

  /**
   * As {@link #get(String)} with the environment given explicitly.
   *
   * @throws IllegalArgumentException if the spec is not {@code provider/model} or the provider is
   *     unknown
   * @throws IllegalStateException if a required API key is not set
   */
  public static ChatModel get(String spec, Map<String, String> env) {
    Objects.requireNonNull(spec, "Models.get: spec");
    int slash = spec.indexOf('/');
    if (slash <= 0 || slash == spec.length() - 1) {
      throw new IllegalArgumentException(
          "Models.get: expected provider/model (e.g. openai/gpt-4o-mini), got '" + spec + "'");
    }
    String provider = spec.substring(0, slash);
    String model = spec.substring(slash + 1);
    return switch (provider) {
      case "openai" ->
          new OpenAiChatModel(
              model,
              http(
                  env,
                  "OPENAI_API_KEY",
                  "OPENAI_BASE_URL",
                  OpenAiChatModel.DEFAULT_BASE_URL,
                  spec));
      case "anthropic" ->
          new AnthropicChatModel(
              model,
              http(
                  env,
                  "ANTHROPIC_API_KEY",
                  "ANTHROPIC_BASE_URL",
                  AnthropicChatModel.DEFAULT_BASE_URL,
                  spec));
      case "local" -> LocalGptModel.load(Path.of(model), LocalGptModel.CHAT_TEMPLATE);
      case "scripted" ->
          model.equals("echo")
              ? ScriptedChatModel.echo()
              : new ScriptedChatModel(spec, m -> new ChatMessage.Assistant(model));
      default ->
          throw new IllegalArgumentException(
              "Models.get: unknown provider '"
                  + provider
                  + "' in '"
                  + spec
                  + "' (known: openai, anthropic, local, scripted)");
    };
  }

  private static HttpSettings http(
      Map<String, String> env, String keyVar, String urlVar, String defaultUrl, String spec) {
    String key = env.get(keyVar);
    String url = env.get(urlVar);
    boolean custom = url != null && !url.isBlank();
    if ((key == null || key.isBlank()) && !custom) {
      throw new IllegalStateException(
          "Models.get: "
              + keyVar
              + " is not set (needed for "
              + spec
              + "; set "
              + urlVar
              + " instead to use a server that needs no key)");
    }
    return HttpSettings.defaults(
        custom ? url : defaultUrl, key == null || key.isBlank() ? null : key);
  }
}
