package dev.residual.rl.env.probes;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import java.util.List;
import java.util.Map;

/**
 * Probe 3: two steps, reward +1 at the end. Observations {@code [0]} then {@code [1]} in {@code
 * Box(0, 1, [1])}, actions {@code Discrete(1)}. The first step gives reward 0 and observation
 * {@code [1]} without ending; the second gives +1 and terminates (its observation is {@code [1]}
 * again).
 *
 * <p>Expected Q-values: {@code Q([0], 0) = γ}, {@code Q([1], 0) = 1}. An agent that learns probes
 * 1–2 but not this one mishandles discounting or bootstrapping (for instance, bootstrapping through
 * the terminal step, or not at all).
 */
public final class Probe3 extends ProbeEnv {
  private int t;

  /** A new probe; call {@code reset} before stepping. */
  public Probe3() {
    super(0f, 1f, 1);
  }

  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    t = 0;
    return ResetResult.of(obs(0f));
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    t++;
    if (t == 1) {
      return new StepResult<>(obs(1f), 0.0, false, false, Map.of());
    }
    return new StepResult<>(obs(1f), 1.0, true, false, Map.of());
  }

  @Override
  public List<float[]> observations() {
    return List.of(obs(0f), obs(1f));
  }

  /** {@code [γ]} for observation {@code [0]}, {@code [1]} for {@code [1]}. */
  @Override
  public double[] expectedQ(float[] observation, double gamma) {
    float o = checkedObservation(observation, gamma);
    return new double[] {o == 0f ? gamma : 1.0};
  }
}
