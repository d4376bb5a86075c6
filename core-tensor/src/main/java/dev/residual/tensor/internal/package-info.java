/**
 * Implementation of {@code dev.residual.tensor}, not API: the autograd {@code Engine} and its
 * {@code Node}s, off-heap {@code Storage}, and the kernels grouped by family ({@code Pointwise},
 * {@code Reduce}, {@code Shapes}, {@code Index}, {@code LinAlg}, {@code NNOps}, {@code Conv},
 * {@code Pool}, {@code Losses}, {@code Norms}, {@code Dropout}, {@code Einsum}).
 *
 * <p>Every kernel validates its arguments and throws {@link IllegalArgumentException} naming the op
 * and the shapes, so that a mistake never reaches native code.
 */
package dev.residual.tensor.internal;
