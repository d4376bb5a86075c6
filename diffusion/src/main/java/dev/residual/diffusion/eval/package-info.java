/**
 * Honest sample-quality measures for diffusion models, and pictures of the samples.
 *
 * <p>2-D data: {@link dev.residual.diffusion.eval.Mmd} (kernel two-sample statistic), {@link
 * dev.residual.diffusion.eval.ModeCoverage} (eight Gaussians) and {@link
 * dev.residual.diffusion.eval.SamplePlots} (scatter plots, image grids and denoising trajectories).
 *
 * <p>MNIST: no Inception network exists here, so there is no FID. Instead a small CNN, {@link
 * dev.residual.diffusion.eval.MnistClassifier}, trained on clean MNIST by {@link
 * dev.residual.diffusion.eval.ClassifierTraining}, is the judge: {@link
 * dev.residual.diffusion.eval.MnistJudge} reports the requested-class accuracy, the class histogram
 * and "FID-MNIST", the {@link dev.residual.diffusion.eval.FrechetDistance} between the judge's
 * penultimate features of samples and of the test set, next to its floor (test vs train). The same
 * classifier, time-conditioned and trained on noisy {@code x_t}, serves classifier guidance.
 *
 * <p>Samplers, guidance and denoisers are not here (see {@code dev.residual.diffusion} and {@code
 * dev.residual.diffusion.models}).
 */
package dev.residual.diffusion.eval;
