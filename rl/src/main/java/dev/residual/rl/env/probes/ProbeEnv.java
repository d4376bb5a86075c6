package dev.residual.rl.env.probes;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import java.util.Arrays;
import java.util.List;

/**
 * A probe environment (Andy Jones's debugging probes, as used by CleanRL and ARENA): a tiny
 * environment whose exact Q-values are known, so that a value-based agent that fails to reach them
 * points at one specific bug. Observations are {@code float[1]} in a {@link Box} of shape {@code
 * [1]}; actions are {@link Discrete}.
 *
 * <table>
 *   <caption>What each probe isolates</caption>
 *   <tr><th>probe</th><th>tests</th><th>exact Q</th></tr>
 *   <tr><td>{@link Probe1}</td><td>the value loss and optimiser at all</td><td>1</td></tr>
 *   <tr><td>{@link Probe2}</td><td>that values depend on the observation</td><td>±1</td></tr>
 *   <tr><td>{@link Probe3}</td><td>discounting and bootstrapping</td><td>(γ, 1)</td></tr>
 *   <tr><td>{@link Probe4}</td><td>that values depend on the action</td><td>[−1, +1]</td></tr>
 *   <tr><td>{@link Probe5}</td><td>observation and action together</td>
 *       <td>[[1, −1], [−1, 1]]</td></tr>
 * </table>
 *
 * <p>Every episode ends with {@code terminated = true} (never {@code truncated}), so a correct
 * agent does not bootstrap from the final observation, which therefore carries no information.
 */
public abstract class ProbeEnv extends AbstractEnv<float[], Integer> {
  private final Box observationSpace;
  private final Discrete actionSpace;

  /**
   * @param low the smallest observation
   * @param high the largest observation
   * @param numActions the number of actions
   */
  protected ProbeEnv(float low, float high, int numActions) {
    this.observationSpace = Box.uniform(low, high, 1);
    this.actionSpace = new Discrete(numActions);
  }

  /** Fresh instances of probes 1 to 5, in order. */
  public static List<ProbeEnv> all() {
    return List.of(new Probe1(), new Probe2(), new Probe3(), new Probe4(), new Probe5());
  }

  @Override
  public final Box observationSpace() {
    return observationSpace;
  }

  @Override
  public final Discrete actionSpace() {
    return actionSpace;
  }

  /** Every observation at which the agent acts, each a fresh {@code float[1]}. */
  public abstract List<float[]> observations();

  /**
   * The exact Q-values of {@code observation}, one per action, under discount {@code gamma}.
   *
   * @throws IllegalArgumentException when {@code observation} is not one of {@link #observations()}
   *     or {@code gamma} is not in {@code [0, 1]}
   */
  public abstract double[] expectedQ(float[] observation, double gamma);

  /** A one-element observation. */
  static float[] obs(float x) {
    return new float[] {x};
  }

  /** The single value of an observation the probe knows, or an error naming it. */
  final float checkedObservation(float[] observation, double gamma) {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + ".expectedQ: gamma " + gamma + " not in [0, 1]");
    }
    if (observation != null && observation.length == 1) {
      for (float[] o : observations()) {
        if (o[0] == observation[0]) {
          return o[0];
        }
      }
    }
    throw new IllegalArgumentException(
        getClass().getSimpleName()
            + ".expectedQ: observation "
            + Arrays.toString(observation)
            + " is not one of the probe's observations");
  }
}
