package dev.residual.optim.schedule;

import java.util.function.IntToDoubleFunction;

/**
 * Multiplies each group's initial learning rate by {@code fn(step)}, PyTorch's {@code LambdaLR}.
 * The function itself is not serialised: {@link Scheduler#stateDict()} stores only the step, so
 * resuming needs the same function.
 */
public final class LambdaLR implements LrSchedule {
  private final IntToDoubleFunction fn;

  /**
   * Creates the schedule.
   *
   * @throws IllegalArgumentException if {@code fn} is null
   */
  public LambdaLR(IntToDoubleFunction fn) {
    if (fn == null) {
      throw new IllegalArgumentException("LambdaLR: fn must not be null");
    }
    this.fn = fn;
  }

  @Override
  public double lr(int step) {
    LrSchedule.checkStep("LambdaLR", step);
    return fn.applyAsDouble(step);
  }

  @Override
  public boolean scalesInitialLr() {
    return true;
  }
}
