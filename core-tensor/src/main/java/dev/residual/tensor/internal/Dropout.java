package dev.residual.tensor.internal;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/** Inverted dropout driven by a {@link Generator}. */
public final class Dropout {
  private Dropout() {}

  /** See {@code F.dropout}. */
  public static Tensor dropout(Tensor x, double p, Generator generator, boolean training) {
    throw new UnsupportedOperationException("dropout: not implemented yet");
  }
}
