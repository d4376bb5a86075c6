package dev.residual.optim.schedule;

import java.util.Map;

/**
 * A learning rate as a function of the optimization step (counted from 0). A {@link Scheduler}
 * applies it to an optimizer's parameter groups when stepped explicitly.
 *
 * <p>Absolute schedules ({@link WarmupCosine}, {@link WarmupLinear}) give the learning rate itself
 * and set every group to it, as nanoGPT does. Relative schedules ({@link StepLR}, {@link LambdaLR};
 * {@link #scalesInitialLr()} true) give a multiplier of each group's learning rate at the time the
 * scheduler was created, as PyTorch's {@code StepLR} and {@code LambdaLR}.
 */
@FunctionalInterface
public interface LrSchedule {
  /**
   * The learning rate (or multiplier, for relative schedules) at {@code step}.
   *
   * @throws IllegalArgumentException if {@code step} is negative
   */
  double lr(int step);

  /** Whether {@link #lr(int)} multiplies each group's initial learning rate (default false). */
  default boolean scalesInitialLr() {
    return false;
  }

  /** The schedule's hyper-parameters as JSON scalars, for checkpoints (default empty). */
  default Map<String, Object> config() {
    return Map.of();
  }

  /** Throws unless {@code step >= 0}. */
  static void checkStep(String name, int step) {
    if (step < 0) {
      throw new IllegalArgumentException(name + ": step must be >= 0, got " + step);
    }
  }
}
