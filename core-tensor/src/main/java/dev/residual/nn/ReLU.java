package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/** {@code max(x, 0)} elementwise (PyTorch's {@code nn.ReLU}). */
public class ReLU extends Module implements UnaryModule {
  /** A ReLU module. */
  public ReLU() {}

  /** {@code F.relu(x)}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.relu(x);
  }
}
