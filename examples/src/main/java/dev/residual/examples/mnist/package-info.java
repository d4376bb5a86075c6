/**
 * MNIST classification with {@code dev.residual.nn}, {@code dev.residual.optim} and {@code
 * dev.residual.data}: an MLP (784-256-10) and a small CNN (two 3x3 convolutions with 2x2 max
 * pooling), trained with Adam from the real IDX files. {@code benchmarks/peer/torch_mnist.py}
 * trains the same models in PyTorch for comparison.
 */
package dev.residual.examples.mnist;
