package dev.residual.evals.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Transport settings shared by the HTTP providers.
 *
 * @param baseUrl the API root, without a trailing slash (e.g. {@code https://api.openai.com/v1})
 * @param apiKey the key sent with every request (may be null for servers that need none)
 * @param retry the retry policy
 * @param maxConcurrent the most calls this model has in flight at once
 * @param connectTimeout TCP connect timeout
 * @param readTimeout the longest silence while reading a response (a stalled server ends here)
 * @param callTimeout the longest a single attempt may take in all
 */
public record HttpSettings(
    String baseUrl,
    String apiKey,
    RetryPolicy retry,
    int maxConcurrent,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout) {
  /**
   * @throws IllegalArgumentException if {@code maxConcurrent < 1} or the base URL is blank
   */
  public HttpSettings {
    Objects.requireNonNull(baseUrl, "HttpSettings: baseUrl");
    Objects.requireNonNull(retry, "HttpSettings: retry");
    Objects.requireNonNull(connectTimeout, "HttpSettings: connectTimeout");
    Objects.requireNonNull(readTimeout, "HttpSettings: readTimeout");
    Objects.requireNonNull(callTimeout, "HttpSettings: callTimeout");
    if (baseUrl.isBlank()) {
      throw new IllegalArgumentException("HttpSettings: baseUrl is blank");
    }
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException(
          "HttpSettings: maxConcurrent must be >= 1, got " + maxConcurrent);
    }
  }

  /**
   * Defaults for {@code baseUrl}: {@link RetryPolicy#DEFAULT}, 32 concurrent calls, 10 s connect,
   * 120 s read and 600 s call timeouts.
   */
  public static HttpSettings defaults(String baseUrl, String apiKey) {
    return new HttpSettings(
        baseUrl,
        apiKey,
        RetryPolicy.DEFAULT,
        32,
        Duration.ofSeconds(10),
        Duration.ofSeconds(120),
        Duration.ofSeconds(600));
  }

  /** With another retry policy. */
  public HttpSettings withRetry(RetryPolicy r) {
    return new HttpSettings(
        baseUrl, apiKey, r, maxConcurrent, connectTimeout, readTimeout, callTimeout);
  }

  /** With another concurrency limit. */
  public HttpSettings withMaxConcurrent(int n) {
    return new HttpSettings(baseUrl, apiKey, retry, n, connectTimeout, readTimeout, callTimeout);
  }

  /** With other timeouts. */
  public HttpSettings withTimeouts(Duration connect, Duration read, Duration call) {
    return new HttpSettings(baseUrl, apiKey, retry, maxConcurrent, connect, read, call);
  }
}
