package dev.residual.rl.env.vector;

import java.util.List;
import java.util.Map;

/**
 * What {@link SyncVectorEnv#reset} returns: one entry per sub-environment, in order.
 *
 * @param observations {@code [numEnvs]} first observations
 * @param infos {@code [numEnvs]} info maps (never null)
 */
public record VectorResetResult<O>(List<O> observations, List<Map<String, Object>> infos) {}
