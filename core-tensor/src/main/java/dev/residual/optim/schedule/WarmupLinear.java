package dev.residual.optim.schedule;

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
public final class WarmupLinear extends WarmupDecay {
  /**
   * Creates the schedule.
   *
   * @throws IllegalArgumentException if a learning rate is negative or NaN, {@code warmupSteps} is
   *     negative, or {@code decaySteps <= warmupSteps}
   */
  public WarmupLinear(double maxLr, int warmupSteps, int decaySteps, double minLr) {
    super("WarmupLinear", maxLr, warmupSteps, decaySteps, minLr);
  }

  @Override
  double coefficient(double ratio) {
    return 1.0 - ratio;
  }
}
