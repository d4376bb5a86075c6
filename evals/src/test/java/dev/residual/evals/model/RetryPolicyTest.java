package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static RetryPolicy policy(long seed) {
    return new RetryPolicy(
        8, Duration.ofMillis(100), Duration.ofMillis(1000), new Random(seed), d -> {});
  }

  @Test
  void fullJitterStaysUnderTheDoublingCeilingCappedAtMaxDelay() {
    RetryPolicy p = policy(1);
    long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int rep = 0; rep < 50; rep++) {
      for (int k = 1; k <= ceilings.length; k++) {
        long ms = p.delay(k, null).toMillis();
        assertTrue(ms >= 0 && ms <= ceilings[k - 1], "attempt " + k + " waited " + ms);
      }
    }
  }

  @Test
  void seededPoliciesDrawTheSameDelays() {
    RetryPolicy a = policy(42);
    RetryPolicy b = policy(42);
    for (int k = 1; k <= 5; k++) {
      assertEquals(a.delay(k, null), b.delay(k, null));
    }
  }

  @Test
  void serverDelayIsUsedAsIsButCapped() {
    RetryPolicy p = policy(1);
    assertEquals(Duration.ofSeconds(30), p.delay(1, Duration.ofSeconds(30)));
    assertEquals(RetryPolicy.MAX_SERVER_DELAY, p.delay(1, Duration.ofHours(5)));
    assertEquals(Duration.ZERO, p.delay(1, Duration.ofSeconds(-3)));
  }

  @Test
  void invalidSettingsAreRejected() {
    IllegalArgumentException a =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, new Random(), d -> {}));
    assertTrue(a.getMessage().contains("maxAttempts"), a.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetryPolicy(2, Duration.ofMillis(-1), Duration.ZERO, new Random(), d -> {}));
    IllegalArgumentException c =
        assertThrows(
            IllegalArgumentException.class,
            () -> HttpSettings.defaults("http://x", null).withMaxConcurrent(0));
    assertTrue(c.getMessage().contains("maxConcurrent"), c.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HttpSettings.defaults(" ", null));
  }
}
