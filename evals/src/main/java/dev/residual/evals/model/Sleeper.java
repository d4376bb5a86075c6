package dev.residual.evals.model;

import java.time.Duration;

/**
 * Waits between retries. Providers sleep through this interface so that tests can record the delays
 * instead of really waiting.
 */
@FunctionalInterface
public interface Sleeper {
  /** Really sleeps with {@link Thread#sleep(long)}. */
  Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

  /**
   * Waits {@code delay}.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void sleep(Duration delay) throws InterruptedException;
}
