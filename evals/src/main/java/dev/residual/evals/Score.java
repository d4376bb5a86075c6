package dev.residual.evals;

import java.util.Map;

/**
 * A scorer's verdict.
 *
 * @param value a number, or one of inspect's letters {@code C} (correct, 1), {@code I} (incorrect,
 *     0), {@code P} (partial, 0.5), {@code N} (no answer, 0)
 * @param answer the answer the scorer extracted, or null
 * @param explanation why, or null
 * @param metadata anything else
 */
public record Score(Object value, String answer, String explanation, Map<String, Object> metadata) {
  /** Correct. */
  public static final String CORRECT = "C";

  /** Incorrect. */
  public static final String INCORRECT = "I";

  /** Partially correct. */
  public static final String PARTIAL = "P";

  /** No answer. */
  public static final String NOANSWER = "N";

  public Score {
    if (!(value instanceof Number)
        && !(CORRECT.equals(value)
            || INCORRECT.equals(value)
            || PARTIAL.equals(value)
            || NOANSWER.equals(value))) {
      throw new IllegalArgumentException(
          "Score: value must be a number or one of C, I, P, N, got " + value);
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** C or I with the extracted answer. */
  public static Score of(boolean correct, String answer) {
    return new Score(correct ? CORRECT : INCORRECT, answer, null, Map.of());
  }

  /** The value as a number: C → 1, I → 0, P → 0.5, N → 0, numbers as they are. */
  public double asDouble() {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return switch ((String) value) {
      case CORRECT -> 1.0;
      case PARTIAL -> 0.5;
      default -> 0.0;
    };
  }
}
