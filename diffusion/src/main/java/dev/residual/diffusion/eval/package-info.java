/**
 * Honest sample-quality measures for diffusion models on 2-D data, and pictures of the samples:
 * {@link dev.residual.diffusion.eval.Mmd} (kernel two-sample statistic), {@link
 * dev.residual.diffusion.eval.ModeCoverage} (eight Gaussians) and {@link
 * dev.residual.diffusion.eval.SamplePlots} (scatter plots, image grids and denoising trajectories).
 *
 * <p>No Inception network exists here, so there is no FID; image metrics (a classifier-based
 * Fréchet distance on MNIST) are not in this package yet.
 */
package dev.residual.diffusion.eval;
