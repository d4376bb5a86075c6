/**
 * Gymnasium's wrappers: {@link dev.residual.rl.env.wrappers.Wrapper} (delegate everything, override
 * what changes), {@link dev.residual.rl.env.wrappers.TimeLimit}, {@link
 * dev.residual.rl.env.wrappers.RecordEpisodeStatistics}, {@link
 * dev.residual.rl.env.wrappers.TransformObservation}, {@link
 * dev.residual.rl.env.wrappers.TransformReward} and {@link
 * dev.residual.rl.env.wrappers.RecordVideo} (animated GIF or PNG frames of selected episodes).
 *
 * <p>Not here: vector environments ({@code dev.residual.rl.env.vector}) and the registry ({@link
 * dev.residual.rl.env.Envs}), which applies {@code TimeLimit}.
 */
package dev.residual.rl.env.wrappers;
