/**
 * Denoiser networks: modules implementing {@link dev.residual.diffusion.Denoiser} that map a noisy
 * sample, its timestep and an optional class label to a prediction of the input's shape (such as
 * the image {@link dev.residual.diffusion.models.UNet}).
 *
 * <p>Noise schedules, samplers, guidance and training loops do not live here; they are in {@code
 * dev.residual.diffusion}.
 */
package dev.residual.diffusion.models;
