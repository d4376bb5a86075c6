/**
 * Parameter initialisers ({@link dev.residual.nn.init.Init}), the counterpart of PyTorch's {@code
 * torch.nn.init}: constant, uniform, normal, truncated normal, Xavier, Kaiming and orthogonal
 * fills, in place and driven by a {@link dev.residual.tensor.Generator}. Layers that use them live
 * in {@code dev.residual.nn}.
 */
package dev.residual.nn.init;
