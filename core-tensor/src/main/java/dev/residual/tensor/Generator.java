package dev.residual.tensor;

import java.util.Arrays;

/**
 * A seeded source of random numbers, used wherever Residual draws randomness (initialisation,
 * dropout, sampling, data shuffling, environments). The same seed gives the same numbers on every
 * machine and JDK.
 *
 * <p>The stream is xoshiro256++ (Blackman and Vigna), seeded through SplitMix64. Its whole state is
 * four longs, exposed by {@link #getState()} and restored by {@link #setState(long[])}, so a
 * checkpoint can resume a run's random stream exactly.
 *
 * <p>Not thread-safe: give each thread its own generator (see {@link #split()}).
 */
public final class Generator {
  private long s0;
  private long s1;
  private long s2;
  private long s3;
  private long seed;

  /** A generator seeded with {@code seed}. */
  public Generator(long seed) {
    manualSeed(seed);
  }

  /** Resets the stream to the start of {@code seed}'s sequence; returns this generator. */
  public Generator manualSeed(long seed) {
    this.seed = seed;
    long x = seed;
    x += 0x9E3779B97F4A7C15L;
    s0 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s1 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s2 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s3 = mix(x);
    return this;
  }

  /** SplitMix64's output function. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The seed last given to this generator. */
  public long initialSeed() {
    return seed;
  }

  /**
   * The full state: {@code [s0, s1, s2, s3, seed]}. Passing it to {@link #setState} on any
   * generator continues this one's stream exactly.
   */
  public long[] getState() {
    return new long[] {s0, s1, s2, s3, seed};
  }

  /**
   * Restores a state from {@link #getState()}; returns this generator.
   *
   * @throws IllegalArgumentException if the array is not 5 longs or the stream state is all zero
   */
  public Generator setState(long[] state) {
    if (state == null || state.length != 5) {
      throw new IllegalArgumentException(
          "Generator.setState: expected 5 longs [s0, s1, s2, s3, seed], got "
              + (state == null ? "null" : Arrays.toString(state)));
    }
    if ((state[0] | state[1] | state[2] | state[3]) == 0) {
      throw new IllegalArgumentException("Generator.setState: the stream state must not be all 0");
    }
    s0 = state[0];
    s1 = state[1];
    s2 = state[2];
    s3 = state[3];
    seed = state[4];
    return this;
  }

  /** A uniform 64-bit integer. */
  public long nextLong() {
    long result = Long.rotateLeft(s0 + s3, 23) + s0;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** A uniform double in {@code [0, 1)} (53 random bits). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A uniform float in {@code [0, 1)} (24 random bits). */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /**
   * A standard normal draw (mean 0, standard deviation 1), by the Box-Muller transform of two
   * uniform draws.
   */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // in (0, 1]: log is finite
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /**
   * A uniform integer in {@code [0, bound)}, without modulo bias.
   *
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException(
          "Generator.nextLong: bound must be positive, got " + bound);
    }
    long m = bound - 1;
    if ((bound & m) == 0) {
      return (nextLong() >>> 1) & m;
    }
    long bits;
    long val;
    do {
      bits = nextLong() >>> 1;
      val = bits % bound;
    } while (bits - val + m < 0);
    return val;
  }

  /** A uniform int in {@code [0, bound)}. */
  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  /**
   * A uniformly random permutation of {@code 0 … n-1} (Fisher–Yates, drawing {@code nextLong(k +
   * 1)} for {@code k = n-1 … 1}).
   *
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public int[] permutation(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Generator.permutation: n must be >= 0, got " + n);
    }
    int[] p = new int[n];
    for (int k = 0; k < n; k++) {
      p[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = (int) nextLong(k + 1);
      int tmp = p[k];
      p[k] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** A new generator seeded from this one's stream, for independent parallel streams. */
  public Generator split() {
    return new Generator(nextLong());
  }
}
