package dev.residual.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.log.EvalLog;
import org.junit.jupiter.api.Test;

class RunnerThroughputBenchmarkSmokeTest {
  @Test
  void benchmarkRunsEverySampleThroughTheMockServerConcurrently() throws Exception {
    RunnerThroughputBenchmark.Result r = RunnerThroughputBenchmark.run(64, 16, 50);
    assertEquals(64, r.requests());
    assertEquals(EvalLog.Status.SUCCESS, r.log().status());
    assertEquals(1.0, r.log().metrics().get("exact").overall().accuracy(), 0);
    assertEquals(64 * 12, r.log().usage().inputTokens());
    // serially 64 × 50 ms = 3.2 s; 16 at a time is about 0.2 s
    assertTrue(r.seconds() < 3.2, "took " + r.seconds() + " s");
  }
}
