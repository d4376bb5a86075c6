package dev.residual.optim.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies each group's initial learning rate by {@code gamma} every {@code stepSize} steps:
 * {@code lr = initial_lr * gamma^(step / stepSize)} (integer division), PyTorch's {@code StepLR} in
 * closed form.
 */
public final class StepLR implements LrSchedule {
  private final int stepSize;
  private final double gamma;

  /**
   * Creates the schedule.
   *
   * @throws IllegalArgumentException if {@code stepSize <= 0} or {@code gamma} is negative or NaN
   */
  public StepLR(int stepSize, double gamma) {
    if (stepSize <= 0) {
      throw new IllegalArgumentException("StepLR: stepSize must be > 0, got " + stepSize);
    }
    if (!(gamma >= 0)) {
      throw new IllegalArgumentException("StepLR: gamma must be >= 0, got " + gamma);
    }
    this.stepSize = stepSize;
    this.gamma = gamma;
  }

  @Override
  public double lr(int step) {
    LrSchedule.checkStep("StepLR", step);
    return Math.pow(gamma, step / stepSize);
  }

  @Override
  public boolean scalesInitialLr() {
    return true;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step_size", stepSize);
    m.put("gamma", gamma);
    return m;
  }
}
