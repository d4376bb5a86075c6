package dev.residual.rl.env.probes;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.List;
import java.util.Map;

/**
 * Probe 2: observation +1 or −1 (each with probability 1/2, drawn from {@code rng()} at reset), one
 * action, reward equal to the observation, one step. Observations in {@code Box(−1, 1, [1])},
 * actions {@code Discrete(1)}; the final observation repeats the first.
 *
 * <p>Expected Q-values: {@code Q([+1], 0) = +1}, {@code Q([−1], 0) = −1} (for any γ). An agent that
 * learns probe 1 but not this one ignores its observations.
 */
public final class Probe2 extends ProbeEnv {
  private float current;

  /** A new probe; call {@code reset} before stepping. */
  public Probe2() {
    super(-1f, 1f, 1);
  }

  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    current = rng().nextDouble() < 0.5 ? 1f : -1f;
    return ResetResult.of(obs(current));
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    return new StepResult<>(obs(current), current, true, false, Map.of());
  }

  @Override
  public List<float[]> observations() {
    return List.of(obs(-1f), obs(1f));
  }

  /** {@code [observation]}: {@code [−1]} or {@code [+1]}. */
  @Override
  public double[] expectedQ(float[] observation, double gamma) {
    return new double[] {checkedObservation(observation, gamma)};
  }
}
