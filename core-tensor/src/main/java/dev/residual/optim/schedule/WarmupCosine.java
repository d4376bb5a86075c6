package dev.residual.optim.schedule;

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
public final class WarmupCosine extends WarmupDecay {
  /**
   * Creates the schedule.
   *
   * @throws IllegalArgumentException if a learning rate is negative or NaN, {@code warmupSteps} is
   *     negative, or {@code decaySteps <= warmupSteps}
   */
  public WarmupCosine(double maxLr, int warmupSteps, int decaySteps, double minLr) {
    super("WarmupCosine", maxLr, warmupSteps, decaySteps, minLr);
  }

  @Override
  double coefficient(double ratio) {
    return 0.5 * (1.0 + Math.cos(Math.PI * ratio));
  }
}
