package dev.residual.nn;

import dev.residual.tensor.Tensor;

/** Returns its input unchanged (PyTorch's {@code nn.Identity}); a placeholder in containers. */
public class Identity extends Module implements UnaryModule {
  /** An identity module. */
  public Identity() {}

  /** Returns {@code x} itself. */
  @Override
  public Tensor forward(Tensor x) {
    return x;
  }
}
