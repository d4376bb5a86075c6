/**
 * Vector environments: {@link dev.residual.rl.env.vector.SyncVectorEnv} steps {@code n}
 * sub-environments together, seeded {@code seed + i}, with an explicit {@link
 * dev.residual.rl.env.vector.AutoresetMode} ({@code NEXT_STEP}, Gymnasium 1.x, or {@code
 * SAME_STEP}, as CleanRL and ARENA expect) for episodes that end.
 *
 * <p>Not here: an asynchronous (multi-process or multi-thread) vector environment, and stacking of
 * observations into tensors (results are lists; agents stack what they need).
 */
package dev.residual.rl.env.vector;
