package dev.residual.rl.env.vector;

/**
 * What a vector environment does when one of its sub-environments ends an episode. Say
 * sub-environment {@code i} terminates (or is truncated) at step call {@code t}:
 *
 * <table>
 *   <caption>The two modes side by side</caption>
 *   <tr><th></th><th>{@link #NEXT_STEP} (Gymnasium &ge; 1.0 default)</th>
 *       <th>{@link #SAME_STEP} (CleanRL, ARENA; Gymnasium 0.26–0.29)</th></tr>
 *   <tr><td>call {@code t}: observation {@code i}</td><td>the episode's final observation</td>
 *       <td>the first observation of a new episode (reset within the call)</td></tr>
 *   <tr><td>call {@code t}: reward, terminated, truncated</td>
 *       <td colspan="2">those of the final step, in both modes</td></tr>
 *   <tr><td>call {@code t}: info {@code i}</td><td>the final step's info</td>
 *       <td>the reset's info plus {@code "final_obs"} (the true final observation) and {@code
 *       "final_info"} (the final step's info)</td></tr>
 *   <tr><td>call {@code t + 1}</td><td>action {@code i} is ignored; sub-environment {@code i} is
 *       reset: observation = the reset observation, reward 0, terminated and truncated false, info
 *       the reset's</td><td>an ordinary step of the new episode</td></tr>
 * </table>
 *
 * <p>For a replay buffer: under {@code NEXT_STEP} store {@code (obs_t, a_t, r_t, next_obs_t,
 * terminated_t)} as returned, except the pair whose {@code obs_t} is an episode's final observation
 * (the following call only reset that sub-environment; its action did nothing); under {@code
 * SAME_STEP} replace {@code next_obs} by {@code info.get("final_obs")} where an episode ended, so a
 * truncated episode bootstraps from its true last state.
 *
 * <p>Episode statistics of a {@link dev.residual.rl.env.wrappers.RecordEpisodeStatistics} inside a
 * sub-environment arrive at the step where its episode ended: {@code info.get("episode")} under
 * {@code NEXT_STEP}, {@code ((Map) info.get("final_info")).get("episode")} under {@code SAME_STEP}.
 */
public enum AutoresetMode {
  /** Reset on the following step call, which ignores that sub-environment's action. */
  NEXT_STEP,
  /** Reset within the same step call; the final observation and info go into the info map. */
  SAME_STEP
}
