package dev.residual.rl.env.vector;

import java.util.List;
import java.util.Map;

/**
 * What {@link SyncVectorEnv#step} returns: one entry per sub-environment, in order. See {@link
 * AutoresetMode} for what an entry holds when its episode ended.
 *
 * @param observations {@code [numEnvs]} observations
 * @param rewards {@code [numEnvs]} rewards
 * @param terminated {@code [numEnvs]} terminal-state flags (no bootstrapping)
 * @param truncated {@code [numEnvs]} truncation flags (time limit: bootstrap)
 * @param infos {@code [numEnvs]} info maps (never null)
 */
public record VectorStepResult<O>(
    List<O> observations,
    double[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    List<Map<String, Object>> infos) {
  /** The number of sub-environments. */
  public int size() {
    return rewards.length;
  }

  /** Whether sub-environment {@code i}'s episode ended at this step (terminated or truncated). */
  public boolean done(int i) {
    return terminated[i] || truncated[i];
  }
}
