package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProfilerTest {
  private static Map<String, Profiler.Entry> byName(Profiler p) {
    return p.entries().stream()
        .collect(Collectors.toMap(Profiler.Entry::name, Function.identity()));
  }

  @Test
  void countsEveryRecordedOpForwardAndBackwardAndEveryMark() {
    Tensor w = Tensor.randn(new Generator(1), 8, 8).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(2), 4, 8);
    Profiler prof;
    try (Profiler p = Profiler.start()) {
      prof = p;
      for (int i = 0; i < 3; i++) {
        Tensor loss = x.matmul(w).relu().sum();
        loss.backward();
        Profiler.mark("step");
      }
    }
    Map<String, Profiler.Entry> rows = byName(prof);
    String mm = x.matmul(w).gradFn().name;
    assertEquals(3, rows.get(mm).forwardCalls(), prof.table());
    assertEquals(3, rows.get(mm).backwardCalls(), prof.table());
    assertEquals(3, rows.get("step").markCalls());
    long covered = prof.entries().stream().mapToLong(Profiler.Entry::totalNanos).sum();
    assertTrue(covered <= prof.elapsedNanos(), "rows cannot exceed the elapsed time");
    assertTrue(prof.table().contains("(unattributed)"));
  }

  @Test
  void seesNothingAfterCloseAndNothingRunWithoutGrad() {
    Tensor w = Tensor.ones(3).requiresGrad(true);
    Profiler prof;
    try (Profiler p = Profiler.start()) {
      prof = p;
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        w.mul(2.0);
      }
    }
    w.mul(2.0).sum().backward();
    Profiler.mark("after");
    assertTrue(prof.entries().isEmpty(), prof.table());
  }

  @Test
  void refusesASecondProfilerOnTheSameThread() {
    try (Profiler p = Profiler.start()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, Profiler::start);
      assertTrue(e.getMessage().contains("already has an active profiler"));
    }
    try (Profiler again = Profiler.start()) {
      assertTrue(again.entries().isEmpty());
    }
  }
}
