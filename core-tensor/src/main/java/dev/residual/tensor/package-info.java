/**
 * Tensors with reverse-mode automatic differentiation, backed by ND4J memory.
 *
 * <p>{@link dev.residual.tensor.Tensor} is the n-dimensional array (PyTorch names and semantics);
 * {@link dev.residual.tensor.DType} its element types and promotion rules; {@link
 * dev.residual.tensor.Generator} the seeded random source every random function takes; {@link
 * dev.residual.tensor.Autograd} the functional gradient API ({@code grad}, anomaly detection);
 * {@link dev.residual.tensor.Threads} the one place where kernel and BLAS thread counts are set.
 *
 * <p>Kernels, the autograd engine and memory management live in {@code
 * dev.residual.tensor.internal}, which is not API. Layers and optimizers do not live here (see
 * {@code dev.residual.nn} and {@code dev.residual.optim}).
 */
package dev.residual.tensor;
