package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/** {@code tanh(x)} elementwise (PyTorch's {@code nn.Tanh}). */
public class Tanh extends Module implements UnaryModule {
  /** A Tanh module. */
  public Tanh() {}

  /** {@code F.tanh(x)}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.tanh(x);
  }
}
