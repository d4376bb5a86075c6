package dev.residual.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.model.GenerateConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochReducerAndTaskTest {
  private static Score s(Object v) {
    return new Score(v, null, null, null);
  }

  @Test
  void meanAveragesAsNumbers() {
    Score r = EpochReducer.MEAN.reduce(List.of(s("C"), s("I"), s("P"), s("C")));
    assertEquals(0.625, r.asDouble(), 1e-12);
  }

  @Test
  void modeKeepsTheMostFrequentValueAndFirstOnTies() {
    assertEquals("I", EpochReducer.MODE.reduce(List.of(s("C"), s("I"), s("I"))).value());
    assertEquals("C", EpochReducer.MODE.reduce(List.of(s("C"), s("I"))).value());
    // 1 and 1.0 are the same number
    assertEquals(1, EpochReducer.MODE.reduce(List.of(s(1), s(2), s(1.0))).value());
  }

  @Test
  void maxPicksTheHighestScore() {
    assertEquals("C", EpochReducer.MAX.reduce(List.of(s("I"), s("C"), s("P"))).value());
    assertEquals(0.9, EpochReducer.MAX.reduce(List.of(s(0.2), s(0.9), s(0.5))).value());
  }

  @Test
  void oneEpochIsReturnedUnchangedAndEmptyThrows() {
    Score one = s("P");
    for (EpochReducer r : EpochReducer.values()) {
      assertSame(one, r.reduce(List.of(one)));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> r.reduce(List.of()));
      assertTrue(e.getMessage().contains(r.name()), e.getMessage());
    }
  }

  private static Scorer exact() {
    return st -> Score.of(st.completion().equals(st.targets().get(0)), st.completion());
  }

  @Test
  void taskDefaultsToOneGenerateSolverOneEpochMean() {
    Task t = Task.builder("t").sample(Sample.of("1", "q", "a")).scorer("exact", exact()).build();
    assertEquals(List.of(Task.GENERATE), t.solvers());
    assertEquals(1, t.epochs());
    assertEquals(EpochReducer.MEAN, t.reducer());
    assertEquals(GenerateConfig.DEFAULT, t.config());
    assertEquals("generate", Task.describe(t.solvers().get(0)));
    assertEquals("lambda", Task.describe(t.scorers().get("exact")));
  }

  @Test
  void limitCutsTheDataset() {
    Task t =
        Task.builder("t")
            .dataset(
                List.of(
                    Sample.of("1", "a", "a"), Sample.of("2", "b", "b"), Sample.of("3", "c", "c")))
            .scorer("exact", exact())
            .limit(2)
            .epochs(3, EpochReducer.MODE)
            .metadata("k", "v")
            .build();
    assertEquals(2, t.samples().size());
    assertEquals("2", t.samples().get(1).id());
    assertEquals(3, t.epochs());
    assertEquals(Map.of("k", "v"), t.metadata());
    assertEquals(
        3,
        Task.builder("u")
            .dataset(t.dataset())
            .scorer("e", exact())
            .limit(9)
            .build()
            .samples()
            .size());
  }

  @Test
  void invalidTasksThrow() {
    Sample a = Sample.of("1", "a", "a");
    assertThrows(
        IllegalArgumentException.class,
        () -> Task.builder(" ").sample(a).scorer("e", exact()).build());
    IllegalArgumentException noScorer =
        assertThrows(IllegalArgumentException.class, () -> Task.builder("t").sample(a).build());
    assertTrue(noScorer.getMessage().contains("scorer"), noScorer.getMessage());
    IllegalArgumentException epochs =
        assertThrows(
            IllegalArgumentException.class,
            () -> Task.builder("t").sample(a).scorer("e", exact()).epochs(0).build());
    assertTrue(epochs.getMessage().contains("epochs"), epochs.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Task.builder("t").sample(a).scorer("e", exact()).limit(-1).build());
    IllegalArgumentException dup =
        assertThrows(
            IllegalArgumentException.class,
            () -> Task.builder("t").sample(a).sample(a).scorer("e", exact()).build());
    assertTrue(dup.getMessage().contains("duplicate sample id 1"), dup.getMessage());
  }
}
