package dev.residual.evals.model;

/** Why the model stopped generating. */
public enum StopReason {
  /** A natural end or a stop sequence. */
  STOP,
  /** The token limit. */
  MAX_TOKENS,
  /** It called tools and waits for their results. */
  TOOL_CALLS,
  /** A provider's content filter. */
  CONTENT_FILTER,
  /** Anything else. */
  UNKNOWN
}
