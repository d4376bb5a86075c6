package dev.residual.evals;

/** Scores a finished state against its targets ({@link TaskState#targets()}). */
@FunctionalInterface
public interface Scorer {
  /** The score of {@code state}. */
  Score score(TaskState state);
}
