/**
 * Small end-to-end demos that run in seconds on a laptop CPU; today {@link
 * dev.residual.examples.demo.MlpDemo}, which trains an MLP with the autograd {@code Tensor}. Demos
 * of the other modules join here as those modules land.
 */
package dev.residual.examples.demo;
