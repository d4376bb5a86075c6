package dev.residual.track.wandb;

import java.io.IOException;

/**
 * A W&B request failed for good: a non-retryable answer (4xx other than 408/409/429, a GraphQL
 * error) or transient failures that outlasted the {@link RetryPolicy}.
 */
public final class WandbException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param status the last HTTP status, or -1 when there was no answer
   * @param cause the last I/O failure, or null
   */
  public WandbException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The last HTTP status, or -1 when the server never answered. */
  public int status() {
    return status;
  }

  /**
   * Whether the request could succeed if tried again later (the server was unreachable, busy or
   * failing), as opposed to being refused (bad key, bad request).
   */
  public boolean transientFailure() {
    return status < 0 || WandbClient.retryable(status);
  }
}
