package dev.residual.evals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the scores one scorer gave a sample in several epochs become one score (inspect's epoch
 * reducers).
 */
public enum EpochReducer {
  /** The mean of {@link Score#asDouble()}, as a numeric score. */
  MEAN,
  /** The most frequent value (ties go to the value seen first), kept as it was ("C" stays "C"). */
  MODE,
  /** The score with the largest {@link Score#asDouble()} (the first of equals). */
  MAX;

  /**
   * Reduces one sample's scores across epochs.
   *
   * @param scores the scores in epoch order, at least one
   * @return the single score; with one epoch, that epoch's score unchanged
   * @throws IllegalArgumentException if {@code scores} is empty
   */
  public Score reduce(List<Score> scores) {
    if (scores == null || scores.isEmpty()) {
      throw new IllegalArgumentException("EpochReducer." + name() + ": no scores to reduce");
    }
    if (scores.size() == 1) {
      return scores.get(0);
    }
    switch (this) {
      case MEAN:
        {
          double sum = 0;
          for (Score s : scores) {
            sum += s.asDouble();
          }
          return new Score(sum / scores.size(), null, "mean of " + scores.size() + " epochs", null);
        }
      case MODE:
        {
          Map<Object, Integer> counts = new LinkedHashMap<>();
          Map<Object, Score> first = new LinkedHashMap<>();
          for (Score s : scores) {
            Object key = s.value() instanceof Number n ? (Object) n.doubleValue() : s.value();
            counts.merge(key, 1, Integer::sum);
            first.putIfAbsent(key, s);
          }
          Object best = null;
          int bestCount = 0;
          for (Map.Entry<Object, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
              best = e.getKey();
              bestCount = e.getValue();
            }
          }
          return first.get(best);
        }
      default:
        {
          Score best = scores.get(0);
          for (Score s : scores) {
            if (s.asDouble() > best.asDouble()) {
              best = s;
            }
          }
          return best;
        }
    }
  }
}
