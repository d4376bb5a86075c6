package dev.residual.evals.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import mockwebserver3.MockResponse;

/** Helpers shared by the provider tests: a recording sleeper and canned responses. */
final class MockServers {
  private MockServers() {}

  /** A sleeper that records every delay and does not wait. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sleep(Duration d) {
      delays.add(d);
    }
  }

  /** Settings for a mock server at {@code baseUrl}: short timeouts, seeded jitter. */
  static HttpSettings settings(String baseUrl, Sleeper sleeper, int maxAttempts) {
    return new HttpSettings(
        baseUrl,
        "test-key",
        new RetryPolicy(
            maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(2), new Random(7), sleeper),
        8,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }
}
