package dev.residual.evals.model;

import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe running totals for one model: successful calls, failed calls, retries and tokens. */
public final class UsageStats {
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong inputTokens = new AtomicLong();
  private final AtomicLong outputTokens = new AtomicLong();

  /** Records a successful call and its tokens. */
  public void recordCall(TokenUsage usage) {
    calls.incrementAndGet();
    inputTokens.addAndGet(usage.inputTokens());
    outputTokens.addAndGet(usage.outputTokens());
  }

  /** Records a call that failed for good. */
  public void recordFailure() {
    failures.incrementAndGet();
  }

  /** Records one retry (an attempt after a failed one). */
  public void recordRetry() {
    retries.incrementAndGet();
  }

  /** Successful calls. */
  public long calls() {
    return calls.get();
  }

  /** Calls that failed after any retries. */
  public long failures() {
    return failures.get();
  }

  /** Retries made. */
  public long retries() {
    return retries.get();
  }

  /** Total input tokens of successful calls. */
  public long inputTokens() {
    return inputTokens.get();
  }

  /** Total output tokens of successful calls. */
  public long outputTokens() {
    return outputTokens.get();
  }

  /** Input and output token totals. */
  public TokenUsage usage() {
    return new TokenUsage(inputTokens.get(), outputTokens.get());
  }

  @Override
  public String toString() {
    return "UsageStats[calls="
        + calls()
        + ", failures="
        + failures()
        + ", retries="
        + retries()
        + ", inputTokens="
        + inputTokens()
        + ", outputTokens="
        + outputTokens()
        + "]";
  }
}
