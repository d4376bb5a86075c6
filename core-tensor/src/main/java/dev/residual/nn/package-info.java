/**
 * Stateful neural-network building blocks, the counterpart of PyTorch's {@code torch.nn}: the
 * {@link dev.residual.nn.Module} base class (named parameters, buffers and children, state dicts,
 * train/eval mode, dtype conversion, a repr tree), layers ({@code Linear}, {@code Embedding},
 * {@code LayerNorm}, {@code GroupNorm}, {@code Conv2d}, {@code ConvTranspose2d}, {@code Dropout},
 * {@code MaxPool2d}, {@code AvgPool2d}, {@code Flatten}, {@code Identity}), containers ({@code
 * Sequential}, {@code ModuleList}) and activation modules ({@code ReLU}, {@code GELU}, {@code
 * SiLU}, {@code Tanh}, {@code Sigmoid}).
 *
 * <p>Layers hold state and delegate all math to {@link dev.residual.nn.functional.F}; stateless
 * functions live there, initialisers in {@code dev.residual.nn.init}, optimizers in {@code
 * dev.residual.optim}.
 */
package dev.residual.nn;
