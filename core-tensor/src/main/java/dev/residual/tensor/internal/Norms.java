package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;

/** Group normalisation, fused with its backward. */
public final class Norms {
  private Norms() {}

  /** See {@code F.groupNorm}. */
  public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
    throw new UnsupportedOperationException("groupNorm: not implemented yet");
  }
}
