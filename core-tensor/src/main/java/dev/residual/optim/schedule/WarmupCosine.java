package dev.residual.optim.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear warmup then cosine decay to a floor, exactly nanoGPT's {@code get_lr}:
 *
 * <pre>
 *   it &lt; warmupSteps:   maxLr * (it + 1) / (warmupSteps + 1)
 *   it &gt; decaySteps:    minLr
 *   otherwise:          minLr + 0.5 * (1 + cos(pi * r)) * (maxLr - minLr),
 *                       r = (it - warmupSteps) / (decaySteps - warmupSteps)
 * </pre>
 */
public final class WarmupCosine implements LrSchedule {
  private final double maxLr;
  private final int warmupSteps;
  private final int decaySteps;
  private final double minLr;

  /**
   * Creates the schedule.
   *
   * @throws IllegalArgumentException if a learning rate is negative or NaN, {@code warmupSteps} is
   *     negative, or {@code decaySteps <= warmupSteps}
   */
  public WarmupCosine(double maxLr, int warmupSteps, int decaySteps, double minLr) {
    Schedules.check("WarmupCosine", maxLr, warmupSteps, decaySteps, minLr);
    this.maxLr = maxLr;
    this.warmupSteps = warmupSteps;
    this.decaySteps = decaySteps;
    this.minLr = minLr;
  }

  @Override
  public double lr(int it) {
    LrSchedule.checkStep("WarmupCosine", it);
    if (it < warmupSteps) {
      return maxLr * (it + 1) / (warmupSteps + 1);
    }
    if (it > decaySteps) {
      return minLr;
    }
    double ratio = (double) (it - warmupSteps) / (decaySteps - warmupSteps);
    double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
    return minLr + coeff * (maxLr - minLr);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_lr", maxLr);
    m.put("warmup_steps", warmupSteps);
    m.put("decay_steps", decaySteps);
    m.put("min_lr", minLr);
    return m;
  }
}
