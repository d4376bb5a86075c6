/**
 * The five probe environments for debugging value-based agents (Andy Jones's probes, as in CleanRL
 * and ARENA): {@link dev.residual.rl.env.probes.Probe1} to {@link
 * dev.residual.rl.env.probes.Probe5}, each with exact known Q-values ({@link
 * dev.residual.rl.env.probes.ProbeEnv#expectedQ}). They are environments only; the agents that
 * learn them, and their registration under ids, live elsewhere.
 */
package dev.residual.rl.env.probes;
