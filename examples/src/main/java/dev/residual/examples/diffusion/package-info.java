/**
 * The {@code residual diffusion} command ({@link
 * dev.residual.examples.diffusion.DiffusionCommand}): {@code train} for 2-D toy diffusion runs that
 * save a checkpoint, {@code sample} to draw samples and trajectories from a saved denoiser.
 */
package dev.residual.examples.diffusion;
