/**
 * Training data for diffusion models: the 2-D toy distributions of {@link
 * dev.residual.diffusion.data.Toy2d} (swiss roll, two moons, eight Gaussians), drawn from a seeded
 * {@link dev.residual.tensor.Generator}, and MNIST scaled to {@code [−1, 1]} (optionally padded to
 * 32x32) by {@link dev.residual.diffusion.data.MnistImages}.
 *
 * <p>The IDX file format itself is read by {@code dev.residual.data.Mnist} in core-tensor; metrics
 * live in {@code dev.residual.diffusion.eval}.
 */
package dev.residual.diffusion.data;
