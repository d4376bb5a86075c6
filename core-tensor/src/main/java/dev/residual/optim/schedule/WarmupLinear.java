package dev.residual.optim.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear warmup then linear decay to a floor, with the same warmup and step conventions as {@link
 * WarmupCosine}:
 *
 * <pre>
 *   it &lt; warmupSteps:   maxLr * (it + 1) / (warmupSteps + 1)
 *   it &gt; decaySteps:    minLr
 *   otherwise:          minLr + (1 - r) * (maxLr - minLr),
 *                       r = (it - warmupSteps) / (decaySteps - warmupSteps)
 * </pre>
 */
public final class WarmupLinear implements LrSchedule {
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
  public WarmupLinear(double maxLr, int warmupSteps, int decaySteps, double minLr) {
    Schedules.check("WarmupLinear", maxLr, warmupSteps, decaySteps, minLr);
    this.maxLr = maxLr;
    this.warmupSteps = warmupSteps;
    this.decaySteps = decaySteps;
    this.minLr = minLr;
  }

  @Override
  public double lr(int it) {
    LrSchedule.checkStep("WarmupLinear", it);
    if (it < warmupSteps) {
      return maxLr * (it + 1) / (warmupSteps + 1);
    }
    if (it > decaySteps) {
      return minLr;
    }
    double ratio = (double) (it - warmupSteps) / (decaySteps - warmupSteps);
    return minLr + (1.0 - ratio) * (maxLr - minLr);
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
