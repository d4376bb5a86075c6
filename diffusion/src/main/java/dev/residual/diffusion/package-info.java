/**
 * Diffusion models from first principles, with the papers' formulas.
 *
 * <ul>
 *   <li>{@link dev.residual.diffusion.NoiseSchedule}: linear (rescaled by 1000/T) and cosine
 *       schedules and every derived quantity (α, ᾱ, ᾱ_{t−1}, β̃ and square roots), in double
 *       precision, 0-based timesteps.
 *   <li>{@link dev.residual.diffusion.GaussianDiffusion}: the forward process {@code qSample}, the
 *       one-step chain, conversions between ε, x0 and v predictions, the posterior mean and the
 *       training loss (t uniform, MSE on the chosen target, optional per-t weights).
 *   <li>Samplers for any {@link dev.residual.diffusion.Denoiser}: {@link
 *       dev.residual.diffusion.DdpmSampler} (Ho et al. algorithm 2, σ² = β or β̃, optional x̂0
 *       clipping) and {@link dev.residual.diffusion.DdimSampler} (η, S steps with the uniform
 *       spacing {@code floor(i·T/S)} by default or a linspace or trailing one, inversion), both
 *       with {@link dev.residual.diffusion.Trajectory} capture.
 *   <li>Guidance: {@link dev.residual.diffusion.ClassifierFreeGuidance} (a denoiser wrapper) and
 *       {@link dev.residual.diffusion.ClassifierGuidance} (the gradient of a {@link
 *       dev.residual.diffusion.Classifier}'s log-probability, applied by the samplers).
 *   <li>{@link dev.residual.diffusion.ToyExperiment}: a 2-D run end to end (train, sample, measure,
 *       plot, optionally save the EMA model).
 *   <li>{@link dev.residual.diffusion.DenoiserCheckpoint}: a trained denoiser (MLP or U-Net) saved
 *       with everything needed to sample it (config, schedule, prediction, data kind, shape,
 *       classes, step), and loaded back ready to sample.
 *   <li>{@link dev.residual.diffusion.ImageTrainer}: U-Net training on images (AdamW with warm-up,
 *       EMA, label dropout for classifier-free guidance, gradient clipping) with bit-exact
 *       resumable checkpoints.
 *   <li>{@link dev.residual.diffusion.MnistExperiment}: class-conditional MNIST end to end: train,
 *       export the EMA model, sample (DDPM or DDIM, classifier-free or classifier guidance) and
 *       judge the samples (requested-class accuracy, class histogram, FID-MNIST).
 * </ul>
 *
 * <p>Denoisers (MLP, U-Net) are in {@code models}, 2-D toy data and MNIST images in {@code data},
 * MMD, mode coverage, the MNIST judge classifier, Fréchet distance, scatter plots, image grids and
 * trajectory strips in {@code eval}. Not yet written: CLIP and CLIP guidance. Depends on {@code
 * core-tensor} only.
 */
package dev.residual.diffusion;
