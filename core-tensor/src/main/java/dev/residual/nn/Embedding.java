package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.nn.init.Init;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * A lookup table {@code weight [num, dim]} (PyTorch's {@code nn.Embedding}) initialised from {@code
 * N(0, 1)}; {@link #forward} maps integer indices of any shape to {@code [..., dim]}.
 */
public class Embedding extends Module implements UnaryModule {
  private final long numEmbeddings;
  private final long embeddingDim;

  /**
   * A table of {@code numEmbeddings} vectors of size {@code embeddingDim}.
   *
   * @throws IllegalArgumentException if a size is negative
   */
  public Embedding(long numEmbeddings, long embeddingDim, Generator g) {
    if (numEmbeddings < 0 || embeddingDim < 0) {
      throw new IllegalArgumentException(
          "Embedding: sizes must be non-negative, got " + numEmbeddings + " and " + embeddingDim);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    Tensor w =
        registerParameter(
            "weight", Tensor.empty(Tensor.defaultDType(), numEmbeddings, embeddingDim));
    Init.normal_(w, 0, 1, g);
  }

  /**
   * {@code F.embedding(indices, weight)}: integer indices {@code [...]} to {@code [..., dim]}.
   *
   * @throws IllegalArgumentException if an index is outside {@code [0, num)}
   */
  @Override
  public Tensor forward(Tensor indices) {
    return F.embedding(indices, weight());
  }

  /** The table {@code [num, dim]}. */
  public Tensor weight() {
    return getParameter("weight");
  }

  @Override
  public String extraRepr() {
    return numEmbeddings + ", " + embeddingDim;
  }
}
