package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.NNOps.Reduction;

/** Regression and binary losses: MSE and binary cross-entropy with logits, with backward. */
public final class Losses {
  private Losses() {}

  /** See {@code F.mseLoss}. */
  public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
    throw new UnsupportedOperationException("mseLoss: not implemented yet");
  }

  /** See {@code F.binaryCrossEntropyWithLogits}. */
  public static Tensor bceWithLogits(
      Tensor logits, Tensor target, Tensor posWeight, Reduction reduction) {
    throw new UnsupportedOperationException("binaryCrossEntropyWithLogits: not implemented yet");
  }
}
