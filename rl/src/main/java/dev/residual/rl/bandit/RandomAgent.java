package dev.residual.rl.bandit;

import dev.residual.tensor.Generator;

/** Pulls an arm uniformly at random every step and learns nothing: the floor of every figure. */
public final class RandomAgent implements BanditAgent {
  private int k;

  /** A random agent; call {@link #reset} before acting. */
  public RandomAgent() {}

  @Override
  public void reset(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("RandomAgent.reset: k must be >= 1, got " + k);
    }
    this.k = k;
  }

  @Override
  public int act(Generator g) {
    if (k == 0) {
      throw new IllegalStateException("RandomAgent.act: call reset(k) first");
    }
    return g.nextInt(k);
  }

  @Override
  public void update(int action, double reward) {
    if (k == 0) {
      throw new IllegalStateException("RandomAgent.update: call reset(k) first");
    }
    if (action < 0 || action >= k) {
      throw new IllegalArgumentException(
          "RandomAgent.update: action " + action + " is not in [0, " + k + ")");
    }
  }

  @Override
  public String toString() {
    return "RandomAgent";
  }
}
