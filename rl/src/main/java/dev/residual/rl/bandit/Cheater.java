package dev.residual.rl.bandit;

import dev.residual.rl.env.bandit.KArmedBandit;
import dev.residual.tensor.Generator;
import java.util.function.IntSupplier;

/**
 * Reads the true best arm from the environment and always pulls it: the ceiling of every figure
 * (its % optimal action is 100 on a stationary bandit, its average reward the expected maximum arm
 * value). It learns nothing and draws no random numbers.
 */
public final class Cheater implements BanditAgent {
  private final IntSupplier bestArm;
  private int k;

  /** A cheater that asks {@code bestArm} for the arm to pull each step. */
  public Cheater(IntSupplier bestArm) {
    if (bestArm == null) {
      throw new IllegalArgumentException("Cheater: bestArm must not be null");
    }
    this.bestArm = bestArm;
  }

  /** A cheater that reads {@link KArmedBandit#bestArm()} of {@code env} each step. */
  public Cheater(KArmedBandit env) {
    this(requireEnv(env)::bestArm);
  }

  private static KArmedBandit requireEnv(KArmedBandit env) {
    if (env == null) {
      throw new IllegalArgumentException("Cheater: env must not be null");
    }
    return env;
  }

  @Override
  public void reset(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Cheater.reset: k must be >= 1, got " + k);
    }
    this.k = k;
  }

  /**
   * The environment's best arm.
   *
   * @throws IllegalStateException if not reset, or the supplier gives an arm outside {@code [0, k)}
   */
  @Override
  public int act(Generator g) {
    if (k == 0) {
      throw new IllegalStateException("Cheater.act: call reset(k) first");
    }
    int a = bestArm.getAsInt();
    if (a < 0 || a >= k) {
      throw new IllegalStateException(
          "Cheater.act: the best arm " + a + " is not in [0, " + k + ")");
    }
    return a;
  }

  @Override
  public void update(int action, double reward) {
    if (k == 0) {
      throw new IllegalStateException("Cheater.update: call reset(k) first");
    }
    if (action < 0 || action >= k) {
      throw new IllegalArgumentException(
          "Cheater.update: action " + action + " is not in [0, " + k + ")");
    }
  }

  @Override
  public String toString() {
    return "Cheater";
  }
}
