package dev.residual.evals.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When and how long to wait before retrying a failed model call: exponential backoff with full
 * jitter (attempt {@code k}, counting from 1, waits a uniform draw from {@code [0, min(maxDelay,
 * baseDelay * 2^(k-1))]}), unless the server named a delay ({@code Retry-After} or {@code
 * retry-after-ms}), which is then used as is, capped at {@link #MAX_SERVER_DELAY}.
 *
 * @param maxAttempts total attempts including the first (1 means never retry)
 * @param baseDelay the first backoff ceiling
 * @param maxDelay the largest backoff ceiling
 * @param random jitter source (seed it in tests); used under its own lock
 * @param sleeper how to wait
 */
public record RetryPolicy(
    int maxAttempts, Duration baseDelay, Duration maxDelay, Random random, Sleeper sleeper) {
  /** The longest server-requested delay honoured, so a bad header cannot park a run for hours. */
  public static final Duration MAX_SERVER_DELAY = Duration.ofMinutes(10);

  /** Six attempts, 1 s base, 60 s ceiling, real sleeps. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          6, Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(), Sleeper.SYSTEM);

  /** A single attempt: no retries. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, new Random(0), Sleeper.SYSTEM);

  /**
   * @throws IllegalArgumentException if {@code maxAttempts < 1} or a delay is negative
   */
  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "RetryPolicy: baseDelay");
    Objects.requireNonNull(maxDelay, "RetryPolicy: maxDelay");
    Objects.requireNonNull(random, "RetryPolicy: random");
    Objects.requireNonNull(sleeper, "RetryPolicy: sleeper");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "RetryPolicy: maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException(
          "RetryPolicy: delays must be >= 0, got base " + baseDelay + " and max " + maxDelay);
    }
  }

  /**
   * The wait before the retry that follows failed attempt {@code attempt} (counting from 1).
   *
   * @param serverDelay the delay the server asked for, or null
   */
  public Duration delay(int attempt, Duration serverDelay) {
    if (serverDelay != null) {
      if (serverDelay.isNegative()) {
        return Duration.ZERO;
      }
      return serverDelay.compareTo(MAX_SERVER_DELAY) > 0 ? MAX_SERVER_DELAY : serverDelay;
    }
    double ceiling = baseDelay.toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
    ceiling = Math.min(ceiling, maxDelay.toMillis());
    double u;
    synchronized (random) {
      u = random.nextDouble();
    }
    return Duration.ofMillis((long) Math.floor(u * ceiling));
  }

  /** This policy with another sleeper. */
  public RetryPolicy withSleeper(Sleeper s) {
    return new RetryPolicy(maxAttempts, baseDelay, maxDelay, random, s);
  }
}
