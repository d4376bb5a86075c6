package dev.residual.track.wandb;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How {@link WandbClient} retries a request that failed for a transient reason (connection failure,
 * timeout, HTTP 408, 409, 429 or 5xx): exponential backoff from {@code base}, doubled per attempt
 * up to {@code max}, with jitter in its upper half, and a server's {@code Retry-After} honoured (it
 * may exceed {@code max}); it gives up once the next wait would pass {@code total} since the first
 * attempt.
 *
 * @param base the first wait
 * @param max the longest single wait
 * @param total the longest time spent on one request, all attempts together
 */
public record RetryPolicy(Duration base, Duration max, Duration total) {

  /** 1 s doubling to 30 s, giving up after 2 minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));

  /** No retries at all. */
  public static final RetryPolicy NONE =
      new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * Checks the durations.
   *
   * @throws IllegalArgumentException if one is negative or {@code max < base}
   */
  public RetryPolicy {
    if (base.isNegative() || max.isNegative() || total.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "RetryPolicy: need 0 <= base <= max and total >= 0, got base="
              + base
              + ", max="
              + max
              + ", total="
              + total);
    }
  }

  /**
   * The wait before retry number {@code attempt} (1 = the first retry), in milliseconds.
   *
   * @param retryAfterMillis the server's {@code Retry-After}, or -1 when it sent none
   */
  long delayMillis(int attempt, long retryAfterMillis) {
    long cap = max.toMillis();
    long exp = base.toMillis() << Math.min(attempt - 1, 30);
    if (exp <= 0 || exp > cap) {
      exp = cap;
    }
    // Jitter in [exp/2, exp] spreads clients that failed together without shrinking the wait much.
    long jittered = exp / 2 + (exp > 1 ? ThreadLocalRandom.current().nextLong(exp / 2 + 1) : 0);
    if (retryAfterMillis >= 0) {
      // The server knows its load better than our schedule; the total budget still bounds it.
      return Math.max(jittered, retryAfterMillis);
    }
    return jittered;
  }
}
