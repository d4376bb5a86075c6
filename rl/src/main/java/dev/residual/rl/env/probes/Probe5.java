package dev.residual.rl.env.probes;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.List;
import java.util.Map;

/**
 * Probe 5: observation 0 or 1 (each with probability 1/2, drawn from {@code rng()} at reset), two
 * actions, reward +1 if the action equals the observation and −1 otherwise, one step. Observations
 * in {@code Box(0, 1, [1])}, actions {@code Discrete(2)}; the final observation repeats the first.
 *
 * <p>Expected Q-values: {@code Q([0]) = [1, −1]}, {@code Q([1]) = [−1, 1]} (for any γ), i.e. the
 * matrix {@code [[1, −1], [−1, 1]]} indexed {@code [observation][action]}. An agent that learns
 * probes 1–4 but not this one fails to combine observation and action (for instance, a batching bug
 * that pairs observations with the wrong actions).
 */
public final class Probe5 extends ProbeEnv {
  private int current;

  /** A new probe; call {@code reset} before stepping. */
  public Probe5() {
    super(0f, 1f, 2);
  }

  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    current = rng().nextInt(2);
    return ResetResult.of(obs(current));
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    return new StepResult<>(obs(current), action == current ? 1.0 : -1.0, true, false, Map.of());
  }

  @Override
  public List<float[]> observations() {
    return List.of(obs(0f), obs(1f));
  }

  /** {@code [1, −1]} for observation {@code [0]}, {@code [−1, 1]} for {@code [1]}. */
  @Override
  public double[] expectedQ(float[] observation, double gamma) {
    float o = checkedObservation(observation, gamma);
    return o == 0f ? new double[] {1.0, -1.0} : new double[] {-1.0, 1.0};
  }
}
