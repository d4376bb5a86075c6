package dev.residual.evals.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.Score;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void accuracyCountsCorrectPartialAndNoAnswer() {
    List<Score> s =
        List.of(
            Score.of(true, "a"),
            Score.of(false, "b"),
            new Score("P", null, null, null),
            new Score("N", null, null, null));
    // (1 + 0 + 0.5 + 0) / 4
    assertEquals(0.375, Metrics.accuracy(s), 1e-12);
  }

  @Test
  void stderrUsesSampleStdOverRootN() {
    // mean 0.75; squared deviations 3 * 0.0625 + 0.5625 = 0.75; var 0.75 / 3 = 0.25; std 0.5;
    // stderr 0.5 / sqrt(4) = 0.25
    double[] v = {1, 0, 1, 1};
    assertEquals(0.75, Metrics.mean(v), 1e-12);
    assertEquals(0.25, Metrics.stderr(v), 1e-12);
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, var 32/7, stderr sqrt(32/7)/sqrt(8)
    double[] w = {2, 4, 4, 4, 5, 5, 7, 9};
    assertEquals(Math.sqrt(32.0 / 7) / Math.sqrt(8), Metrics.stderr(w), 1e-12);
  }

  @Test
  void stderrOfOneValueIsZero() {
    assertEquals(0, Metrics.stderr(new double[] {3}), 0);
  }

  @Test
  void bootstrapStderrIsSeededAndZeroForConstants() {
    double[] v = new double[100];
    for (int i = 0; i < 50; i++) {
      v[i] = 1;
    }
    double a = Metrics.bootstrapStderr(v, 2000, 7);
    assertEquals(a, Metrics.bootstrapStderr(v, 2000, 7), 0);
    // analytic: sqrt(p(1-p)/n) = sqrt(0.25/100) = 0.05; 2000 resamples estimate it within ~3%
    assertEquals(0.05, a, 0.005);
    assertTrue(a != Metrics.bootstrapStderr(v, 2000, 8));
    assertEquals(0, Metrics.bootstrapStderr(new double[] {1, 1, 1}, 100, 1), 0);
    assertEquals(0, Metrics.bootstrapStderr(v, 1, 1), 0);
  }

  @Test
  void emptyInputsAndBadResamplesThrow() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metrics.mean(new double[0]));
    assertTrue(e.getMessage().contains("mean"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Metrics.stderr(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new double[0]));
    assertThrows(
        IllegalArgumentException.class, () -> Metrics.bootstrapStderr(new double[0], 5, 1));
    IllegalArgumentException r =
        assertThrows(
            IllegalArgumentException.class, () -> Metrics.bootstrapStderr(new double[] {1}, 0, 1));
    assertTrue(r.getMessage().contains("resamples"), r.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MetricSet.of(new double[0], 0, 1));
  }

  @Test
  void metricSetOfNothingIsAllNull() {
    MetricSet m = MetricSet.of(new double[0], 10, 1);
    assertEquals(0, m.n());
    assertNull(m.accuracy());
    assertNull(m.stderr());
    MetricSet one = MetricSet.of(new double[] {1, 0}, 10, 1);
    assertEquals(2, one.n());
    assertEquals(0.5, one.mean(), 1e-12);
    assertEquals(0.5, one.stderr(), 1e-12);
  }
}
