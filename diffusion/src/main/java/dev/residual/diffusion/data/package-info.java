/**
 * Training data for diffusion models: the 2-D toy distributions of {@link
 * dev.residual.diffusion.data.Toy2d} (swiss roll, two moons, eight Gaussians), drawn from a seeded
 * {@link dev.residual.tensor.Generator}.
 *
 * <p>MNIST is read with {@code dev.residual.data.Mnist} in core-tensor; metrics live in {@code
 * dev.residual.diffusion.eval}.
 */
package dev.residual.diffusion.data;
