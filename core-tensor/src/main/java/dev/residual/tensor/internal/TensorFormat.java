package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;
import java.util.Arrays;

/** Renders a tensor for {@link Tensor#toString()}: shape, type, grad info and truncated values. */
public final class TensorFormat {
  private TensorFormat() {}

  /** The string form of {@code t}. */
  public static String format(Tensor t) {
    StringBuilder sb = new StringBuilder("Tensor(shape=").append(Arrays.toString(t.shape()));
    sb.append(", dtype=").append(t.dtype());
    if (t.gradFnName() != null) {
      sb.append(", gradFn=").append(t.gradFnName());
    } else if (t.requiresGrad()) {
      sb.append(", requiresGrad=true");
    }
    sb.append(")\n");
    int n = (int) Math.min(t.numel(), 20);
    sb.append('[');
    for (int k = 0; k < n; k++) {
      sb.append(k == 0 ? "" : ", ").append(t.storage().getDouble(k));
    }
    if (t.numel() > n) {
      sb.append(", ...");
    }
    return sb.append(']').toString();
  }
}
