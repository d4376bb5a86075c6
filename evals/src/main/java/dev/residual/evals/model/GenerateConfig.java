package dev.residual.evals.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Generation settings; {@code null} fields are left to the provider's defaults.
 *
 * @param temperature sampling temperature
 * @param topP nucleus sampling mass
 * @param maxTokens the completion token limit
 * @param stop stop sequences (empty for none)
 * @param seed a sampling seed where the provider supports one
 * @param prefill text the assistant's answer must start with (Anthropic-style prefill; providers
 *     without it append an assistant message); the returned text includes it
 * @param responseSchema a JSON Schema the answer must follow (structured output), or null
 * @param responseSchemaName the schema's name (OpenAI requires one), or null
 */
public record GenerateConfig(
    Double temperature,
    Double topP,
    Integer maxTokens,
    List<String> stop,
    Long seed,
    String prefill,
    JsonNode responseSchema,
    String responseSchemaName) {
  /** Everything left to the provider. */
  public static final GenerateConfig DEFAULT =
      new GenerateConfig(null, null, null, List.of(), null, null, null, null);

  public GenerateConfig {
    stop = stop == null ? List.of() : List.copyOf(stop);
    if (temperature != null && !(temperature >= 0)) {
      throw new IllegalArgumentException(
          "GenerateConfig: temperature must be >= 0, got " + temperature);
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("GenerateConfig: topP must be in (0, 1], got " + topP);
    }
    if (maxTokens != null && maxTokens < 1) {
      throw new IllegalArgumentException(
          "GenerateConfig: maxTokens must be >= 1, got " + maxTokens);
    }
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder(DEFAULT);
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * This config with {@code other}'s non-null fields laid over it (a task's config under a
   * solver's, for example).
   */
  public GenerateConfig merge(GenerateConfig other) {
    if (other == null) {
      return this;
    }
    return new GenerateConfig(
        other.temperature != null ? other.temperature : temperature,
        other.topP != null ? other.topP : topP,
        other.maxTokens != null ? other.maxTokens : maxTokens,
        !other.stop.isEmpty() ? other.stop : stop,
        other.seed != null ? other.seed : seed,
        other.prefill != null ? other.prefill : prefill,
        other.responseSchema != null ? other.responseSchema : responseSchema,
        other.responseSchemaName != null ? other.responseSchemaName : responseSchemaName);
  }

  /** Builds a {@link GenerateConfig}. */
  public static final class Builder {
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private List<String> stop;
    private Long seed;
    private String prefill;
    private JsonNode responseSchema;
    private String responseSchemaName;

    private Builder(GenerateConfig c) {
      temperature = c.temperature;
      topP = c.topP;
      maxTokens = c.maxTokens;
      stop = c.stop;
      seed = c.seed;
      prefill = c.prefill;
      responseSchema = c.responseSchema;
      responseSchemaName = c.responseSchemaName;
    }

    public Builder temperature(Double v) {
      temperature = v;
      return this;
    }

    public Builder topP(Double v) {
      topP = v;
      return this;
    }

    public Builder maxTokens(Integer v) {
      maxTokens = v;
      return this;
    }

    public Builder stop(List<String> v) {
      stop = v;
      return this;
    }

    public Builder seed(Long v) {
      seed = v;
      return this;
    }

    public Builder prefill(String v) {
      prefill = v;
      return this;
    }

    /** Structured output: the answer must be JSON following {@code schema}. */
    public Builder responseSchema(String name, JsonNode schema) {
      responseSchemaName = name;
      responseSchema = schema;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming an invalid field
     */
    public GenerateConfig build() {
      return new GenerateConfig(
          temperature, topP, maxTokens, stop, seed, prefill, responseSchema, responseSchemaName);
    }
  }
}
