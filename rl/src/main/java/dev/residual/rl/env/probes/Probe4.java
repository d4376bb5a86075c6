package dev.residual.rl.env.probes;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.List;
import java.util.Map;

/**
 * Probe 4: one observation, two actions, reward −1 for action 0 and +1 for action 1, one step.
 * Observation {@code [0]} in {@code Box(0, 0, [1])}, actions {@code Discrete(2)}.
 *
 * <p>Expected Q-values: {@code Q([0]) = [−1, +1]} (for any γ). An agent that learns probes 1–3 but
 * not this one mixes up its action indexing (for instance, gathers the wrong action's Q-value).
 */
public final class Probe4 extends ProbeEnv {
  /** A new probe; call {@code reset} before stepping. */
  public Probe4() {
    super(0f, 0f, 2);
  }

  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    return ResetResult.of(obs(0f));
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    return new StepResult<>(obs(0f), action == 1 ? 1.0 : -1.0, true, false, Map.of());
  }

  @Override
  public List<float[]> observations() {
    return List.of(obs(0f));
  }

  /** {@code [−1, +1]}. */
  @Override
  public double[] expectedQ(float[] observation, double gamma) {
    checkedObservation(observation, gamma);
    return new double[] {-1.0, 1.0};
  }
}
