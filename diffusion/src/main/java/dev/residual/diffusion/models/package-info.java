/**
 * Denoiser networks and their building blocks: the sinusoidal or learned {@link
 * dev.residual.diffusion.models.TimeEmbedding}, the {@link
 * dev.residual.diffusion.models.MlpDenoiser} for 2-D toy data and the image {@link
 * dev.residual.diffusion.models.UNet}.
 *
 * <p>Noise schedules, samplers and guidance live in {@code dev.residual.diffusion}; toy data in
 * {@code dev.residual.diffusion.data}; metrics and plots in {@code dev.residual.diffusion.eval}.
 */
package dev.residual.diffusion.models;
