package dev.residual.diffusion;

import dev.residual.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the samplers. */
final class Samplers {
  private Samplers() {}

  static void checkStart(String op, Tensor x, Tensor y, ClassifierGuidance guidance) {
    if (!x.dtype().isFloatingPoint() || x.dim() < 1) {
      throw new IllegalArgumentException(
          op
              + ": expected floating-point samples [batch, ...], got "
              + x.dtype()
              + " of shape "
              + Arrays.toString(x.shape()));
    }
    if (y != null && (y.dim() != 1 || y.size(0) != x.size(0))) {
      throw new IllegalArgumentException(
          op
              + ": labels "
              + Arrays.toString(y.shape())
              + " must be [batch] for samples "
              + Arrays.toString(x.shape()));
    }
    if (guidance != null && y == null) {
      throw new IllegalArgumentException(op + ": classifier guidance needs labels y, got null");
    }
  }
}
