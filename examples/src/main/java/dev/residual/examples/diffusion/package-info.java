/**
 * The {@code residual diffusion} command: 2-D toy diffusion runs ({@link
 * dev.residual.examples.diffusion.DiffusionCommand}).
 */
package dev.residual.examples.diffusion;
