/**
 * Denoiser networks and their building blocks: the sinusoidal or learned {@link
 * dev.residual.diffusion.models.TimeEmbedding} and the {@link
 * dev.residual.diffusion.models.MlpDenoiser} for 2-D toy data.
 *
 * <p>Noise schedules, samplers and guidance live in {@code dev.residual.diffusion}; toy data in
 * {@code dev.residual.diffusion.data}; metrics and plots in {@code dev.residual.diffusion.eval}.
 */
package dev.residual.diffusion.models;
