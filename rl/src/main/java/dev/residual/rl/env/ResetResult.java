package dev.residual.rl.env;

import java.util.Map;

/**
 * What {@link Env#reset} returns.
 *
 * @param observation the first observation of the episode
 * @param info auxiliary diagnostics (never null)
 */
public record ResetResult<O>(O observation, Map<String, Object> info) {
  /** A result with an empty info map. */
  public static <O> ResetResult<O> of(O observation) {
    return new ResetResult<>(observation, Map.of());
  }
}
