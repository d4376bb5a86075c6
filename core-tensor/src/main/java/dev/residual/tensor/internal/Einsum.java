package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;

/** Einstein summation for one and two operands, built on permute, reshape, sum and matmul. */
public final class Einsum {
  private Einsum() {}

  /** See {@code F.einsum}. */
  public static Tensor einsum(String equation, Tensor... operands) {
    throw new UnsupportedOperationException("einsum: not implemented yet");
  }
}
