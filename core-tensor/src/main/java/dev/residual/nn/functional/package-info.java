/**
 * Stateless neural-network functions ({@link dev.residual.nn.functional.F}), the counterpart of
 * PyTorch's {@code torch.nn.functional}: activations, softmax, losses, normalisation, convolution,
 * pooling, attention, embedding and einsum. All are autograd ops; stateful layers that wrap them
 * belong in {@code dev.residual.nn}.
 */
package dev.residual.nn.functional;
