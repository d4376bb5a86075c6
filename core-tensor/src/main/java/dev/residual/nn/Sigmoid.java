package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/** {@code 1 / (1 + e^{-x})} elementwise (PyTorch's {@code nn.Sigmoid}). */
public class Sigmoid extends Module implements UnaryModule {
  /** A Sigmoid module. */
  public Sigmoid() {}

  /** {@code F.sigmoid(x)}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.sigmoid(x);
  }
}
