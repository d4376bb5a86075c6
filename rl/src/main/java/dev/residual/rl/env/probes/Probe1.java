package dev.residual.rl.env.probes;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.List;
import java.util.Map;

/**
 * Probe 1: one observation, one action, reward +1, one step. Observation {@code [0]} in {@code
 * Box(0, 0, [1])}, actions {@code Discrete(1)}; every step gives +1 and terminates.
 *
 * <p>Expected Q-value: {@code Q([0], 0) = 1} (for any γ: nothing follows the reward). An agent that
 * cannot learn this has a broken value loss or optimiser.
 */
public final class Probe1 extends ProbeEnv {
  /** A new probe; call {@code reset} before stepping. */
  public Probe1() {
    super(0f, 0f, 1);
  }

  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    return ResetResult.of(obs(0f));
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    return new StepResult<>(obs(0f), 1.0, true, false, Map.of());
  }

  @Override
  public List<float[]> observations() {
    return List.of(obs(0f));
  }

  /** {@code [1]}. */
  @Override
  public double[] expectedQ(float[] observation, double gamma) {
    checkedObservation(observation, gamma);
    return new double[] {1.0};
  }
}
