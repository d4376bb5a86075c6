package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/** {@code x·sigmoid(x)} elementwise (PyTorch's {@code nn.SiLU}). */
public class SiLU extends Module implements UnaryModule {
  /** A SiLU module. */
  public SiLU() {}

  /** {@code F.silu(x)}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.silu(x);
  }
}
