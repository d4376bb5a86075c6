/**
 * Gymnasium-style environments: the {@link dev.residual.rl.env.Env} contract ({@code reset}, {@code
 * step} with {@code terminated} apart from {@code truncated}), {@link
 * dev.residual.rl.env.AbstractEnv} for writing one, and {@link dev.residual.rl.env.FiniteMdp} for
 * environments whose dynamics are known tables (planning). Spaces are in {@code spaces}.
 */
package dev.residual.rl.env;
