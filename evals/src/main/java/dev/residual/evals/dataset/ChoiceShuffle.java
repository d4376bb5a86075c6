package dev.residual.evals.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reorders multiple-choice options and remaps the targets to match. A target that is a single
 * letter naming an existing option ({@code "B"} with at least two choices) follows its option to
 * the new letter; any other target is the answer's text, which moves with its option and so stays
 * as it is.
 */
public final class ChoiceShuffle {
  private ChoiceShuffle() {}

  /**
   * The result of a shuffle.
   *
   * @param choices the options in their new order
   * @param targets the remapped targets
   * @param order {@code order[k]} is the original index of the option now at position {@code k}
   */
  public record Result(List<String> choices, List<String> targets, int[] order) {}

  /** The letter of option {@code index}: 0 → {@code A}. */
  public static String letter(int index) {
    if (index < 0 || index >= 26) {
      throw new IllegalArgumentException(
          "ChoiceShuffle.letter: index " + index + " outside [0, 26) (A to Z)");
    }
    return String.valueOf((char) ('A' + index));
  }

  /**
   * The option index a target letter names, or -1 when {@code target} is not a single upper-case
   * letter A–Z below {@code nChoices} (lower case is left alone: it may be an answer's text).
   */
  public static int letterIndex(String target, int nChoices) {
    if (target == null || target.length() != 1) {
      return -1;
    }
    int k = target.charAt(0) - 'A';
    return k >= 0 && k < 26 && k < nChoices ? k : -1;
  }

  /**
   * Shuffles {@code choices} with {@code random} (Fisher–Yates) and remaps {@code targets}.
   *
   * @throws IllegalArgumentException when there are more than 26 choices
   */
  public static Result shuffle(List<String> choices, List<String> targets, Random random) {
    int n = choices.size();
    if (n > 26) {
      throw new IllegalArgumentException(
          "ChoiceShuffle.shuffle: " + n + " choices, at most 26 (A to Z) are supported");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] newPos = new int[n];
    List<String> shuffled = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      shuffled.add(choices.get(order[k]));
      newPos[order[k]] = k;
    }
    List<String> remapped = new ArrayList<>(targets.size());
    for (String t : targets) {
      int k = letterIndex(t, n);
      remapped.add(k >= 0 ? letter(newPos[k]) : t);
    }
    return new Result(List.copyOf(shuffled), List.copyOf(remapped), order);
  }

  /**
   * A per-item random generator derived from a seed and a key (a sample id), so each sample's order
   * depends only on the seed and its own id, not on its position or on other samples.
   */
  public static Random random(long seed, String key) {
    long h = seed * 0x9E3779B97F4A7C15L + (key == null ? 0 : key.hashCode());
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return new Random(h);
  }
}
