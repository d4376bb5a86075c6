package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/**
 * Greedy selection with ties broken uniformly at random, as the book's testbed does. Breaking ties
 * towards the lowest index instead changes the curves: a greedy agent whose estimates all start
 * equal would always try arm 0 first.
 */
public final class Argmax {
  private Argmax() {}

  /**
   * The index of the largest value of {@code values}, chosen uniformly among all indices holding
   * that value (exact equality). Draws from {@code g} only when there is a tie.
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static int randomTieBreak(double[] values, Generator g) {
    if (values.length == 0) {
      throw new IllegalArgumentException("Argmax.randomTieBreak: values must not be empty");
    }
    double max = values[0];
    int ties = 1;
    int first = 0;
    for (int i = 1; i < values.length; i++) {
      double v = values[i];
      if (v > max) {
        max = v;
        ties = 1;
        first = i;
      } else if (v == max) {
        ties++;
      }
    }
    if (ties == 1) {
      return first;
    }
    int pick = g.nextInt(ties);
    for (int i = first; ; i++) {
      if (values[i] == max && pick-- == 0) {
        return i;
      }
    }
  }
}
