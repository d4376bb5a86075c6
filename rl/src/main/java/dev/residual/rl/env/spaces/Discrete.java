package dev.residual.rl.env.spaces;

import dev.residual.tensor.Generator;

/**
 * The integers {@code start, start + 1, …, start + n - 1} (Gymnasium's {@code Discrete(n, start)}).
 */
public final class Discrete extends AbstractSpace<Integer> {
  private final int n;
  private final int start;

  /**
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public Discrete(int n, int start) {
    if (n < 1) {
      throw new IllegalArgumentException("Discrete: n must be >= 1, got " + n);
    }
    this.n = n;
    this.start = start;
  }

  /** {@code Discrete(n, 0)}. */
  public Discrete(int n) {
    this(n, 0);
  }

  /** The number of elements. */
  public int n() {
    return n;
  }

  /** The smallest element. */
  public int start() {
    return start;
  }

  @Override
  public Integer sample(Generator g) {
    return start + g.nextInt(n);
  }

  @Override
  public boolean contains(Integer x) {
    return x != null && x >= start && x < start + n;
  }

  @Override
  public String toString() {
    return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
  }
}
