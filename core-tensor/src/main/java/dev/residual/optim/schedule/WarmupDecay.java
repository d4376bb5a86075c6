package dev.residual.optim.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape shared by {@link WarmupCosine} and {@link WarmupLinear}: nanoGPT's linear warmup {@code
 * maxLr * (it + 1) / (warmupSteps + 1)}, then a decay from {@code maxLr} to {@code minLr} between
 * {@code warmupSteps} and {@code decaySteps} whose form each subclass gives, then {@code minLr}.
 */
abstract class WarmupDecay implements LrSchedule {
  private final String name;
  private final double maxLr;
  private final int warmupSteps;
  private final int decaySteps;
  private final double minLr;

  WarmupDecay(String name, double maxLr, int warmupSteps, int decaySteps, double minLr) {
    if (!(maxLr >= 0)) {
      throw new IllegalArgumentException(name + ": maxLr must be >= 0, got " + maxLr);
    }
    if (!(minLr >= 0)) {
      throw new IllegalArgumentException(name + ": minLr must be >= 0, got " + minLr);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException(name + ": warmupSteps must be >= 0, got " + warmupSteps);
    }
    if (decaySteps <= warmupSteps) {
      throw new IllegalArgumentException(
          name
              + ": decaySteps ("
              + decaySteps
              + ") must be greater than warmupSteps ("
              + warmupSteps
              + ")");
    }
    this.name = name;
    this.maxLr = maxLr;
    this.warmupSteps = warmupSteps;
    this.decaySteps = decaySteps;
    this.minLr = minLr;
  }

  /**
   * The share of {@code maxLr - minLr} left at decay progress {@code ratio} in {@code [0, 1]}: 1 at
   * the start of the decay, 0 at its end.
   */
  abstract double coefficient(double ratio);

  @Override
  public final double lr(int it) {
    LrSchedule.checkStep(name, it);
    if (it < warmupSteps) {
      return maxLr * (it + 1) / (warmupSteps + 1);
    }
    if (it > decaySteps) {
      return minLr;
    }
    double ratio = (double) (it - warmupSteps) / (decaySteps - warmupSteps);
    return minLr + coefficient(ratio) * (maxLr - minLr);
  }

  @Override
  public final Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_lr", maxLr);
    m.put("warmup_steps", warmupSteps);
    m.put("decay_steps", decaySteps);
    m.put("min_lr", minLr);
    return m;
  }
}
