package dev.residual.tensor;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A seeded source of random numbers, used wherever Residual draws randomness (initialisation,
 * dropout, sampling, data shuffling, environments). The same seed gives the same numbers on every
 * machine and JDK: the stream is the JDK's {@code L64X128MixRandom} algorithm, whose output is
 * specified.
 *
 * <p>Not thread-safe: give each thread its own generator (see {@link #split()}).
 */
public final class Generator {
  private static final RandomGeneratorFactory<RandomGenerator> FACTORY =
      RandomGeneratorFactory.of("L64X128MixRandom");

  private RandomGenerator rng;
  private long seed;

  /** A generator seeded with {@code seed}. */
  public Generator(long seed) {
    manualSeed(seed);
  }

  /** Resets the stream to the start of {@code seed}'s sequence; returns this generator. */
  public Generator manualSeed(long seed) {
    this.seed = seed;
    this.rng = FACTORY.create(seed);
    return this;
  }

  /** The seed last given to this generator. */
  public long initialSeed() {
    return seed;
  }

  /** A uniform double in {@code [0, 1)}. */
  public double nextDouble() {
    return rng.nextDouble();
  }

  /** A uniform float in {@code [0, 1)}. */
  public float nextFloat() {
    return rng.nextFloat();
  }

  /** A standard normal draw (mean 0, standard deviation 1). */
  public double nextGaussian() {
    return rng.nextGaussian();
  }

  /**
   * A uniform integer in {@code [0, bound)}.
   *
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException(
          "Generator.nextLong: bound must be positive, got " + bound);
    }
    return rng.nextLong(bound);
  }

  /** A uniform 64-bit integer. */
  public long nextLong() {
    return rng.nextLong();
  }

  /** A uniform int in {@code [0, bound)}. */
  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  /** A new generator seeded from this one's stream, for independent parallel streams. */
  public Generator split() {
    return new Generator(rng.nextLong());
  }
}
