package dev.residual.evals.model;

/**
 * A model call that failed: an HTTP error (with its status, 0 for connection failures), an
 * unreadable response, or a refused request. {@link #retryable()} says whether trying again could
 * help (429, 5xx, timeouts) or not (400, {@code insufficient_quota}).
 */
public class ModelException extends RuntimeException {
  private final int status;
  private final boolean retryable;

  /**
   * @param message what failed, naming the model and the status
   * @param status the HTTP status, or 0 when there was no response
   * @param retryable whether a retry could succeed
   * @param cause the underlying exception, or null
   */
  public ModelException(String message, int status, boolean retryable, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryable = retryable;
  }

  /** The HTTP status, or 0 when there was no response. */
  public int status() {
    return status;
  }

  /** Whether a retry could succeed. */
  public boolean retryable() {
    return retryable;
  }
}
