package dev.residual.evals.model;

/**
 * Tokens a call used.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 */
public record TokenUsage(long inputTokens, long outputTokens) {
  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0);

  /** Input plus output. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The sum of two usages. */
  public TokenUsage plus(TokenUsage o) {
    return new TokenUsage(inputTokens + o.inputTokens, outputTokens + o.outputTokens);
  }
}
