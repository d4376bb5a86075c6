package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;

/**
 * Indexing ops: gather, indexSelect, embedding lookup, scatterAdd and oneHot, each with its
 * backward (scatter-add, so repeated indices accumulate).
 */
public final class Index {
  private Index() {}

  private static UnsupportedOperationException todo(String op) {
    return new UnsupportedOperationException(op + ": not implemented yet");
  }

  /** PyTorch's gather along {@code dim}. */
  public static Tensor gather(Tensor x, int dim, Tensor index) {
    throw todo("gather");
  }

  /** Slices along {@code dim} picked by a 1-D integer index. */
  public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
    throw todo("indexSelect");
  }

  /** Rows of {@code weight [V, D]} picked by an integer tensor of any shape: {@code [..., D]}. */
  public static Tensor embedding(Tensor indices, Tensor weight) {
    throw todo("embedding");
  }

  /** Out-of-place scatter-add. */
  public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
    throw todo("scatterAdd");
  }

  /** One-hot encoding, INT64 {@code [..., numClasses]}. */
  public static Tensor oneHot(Tensor x, int numClasses) {
    throw todo("oneHot");
  }
}
