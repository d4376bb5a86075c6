package dev.residual.rl.env.spaces;

import dev.residual.tensor.Generator;

/**
 * A set of valid observations or actions (Gymnasium's {@code Space}). Each space has its own
 * generator for {@link #sample()}, seeded by {@link #seed(long)} (unseeded it starts from a random
 * seed), so sampling actions never disturbs an environment's own random stream.
 *
 * @param <T> the element type: {@code Integer} for {@link Discrete}, {@code float[]} for {@link
 *     Box}
 */
public interface Space<T> {
  /** A uniform (or, for unbounded boxes, Gaussian) element drawn from {@code g}. */
  T sample(Generator g);

  /** An element drawn from this space's own generator. */
  T sample();

  /** Reseeds this space's own generator; the same seed gives the same samples. */
  void seed(long seed);

  /** Whether {@code x} is an element: right type, shape and bounds. */
  boolean contains(T x);
}
