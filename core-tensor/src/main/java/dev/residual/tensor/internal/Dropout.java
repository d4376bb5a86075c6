package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/** Inverted dropout driven by a {@link Generator}. */
public final class Dropout {
  private Dropout() {}

  /**
   * Inverted dropout. In training with {@code 0 < p < 1}, element {@code k} (C order) is dropped
   * when the {@code k}-th {@code generator.nextDouble()} is below {@code p}, and the kept elements
   * are scaled by {@code 1/(1-p)}; the backward applies the same mask and scale. Outside training,
   * or with {@code p == 0}, returns {@code x} itself and draws nothing; with {@code p == 1} returns
   * {@code x · 0} (zeros, gradient zero) without drawing.
   *
   * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1]} (or NaN), {@code x} is
   *     not floating point, or a draw is needed and {@code generator} is null
   */
  public static Tensor dropout(Tensor x, double p, Generator generator, boolean training) {
    String op = "dropout";
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(op + ": probability must be in [0, 1], got " + p);
    }
    Pointwise.requireFloat(op, x);
    if (!training || p == 0) {
      return x;
    }
    if (p == 1) {
      return x.mul(0.0);
    }
    if (generator == null) {
      throw new IllegalArgumentException(op + ": a Generator is needed to draw the mask");
    }
    int n = (int) x.numel();
    boolean[] keep = new boolean[n];
    for (int k = 0; k < n; k++) {
      keep[k] = generator.nextDouble() >= p;
    }
    double scale = 1.0 / (1.0 - p);
    Tensor out = masked(x, keep, scale);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        op, out, new Tensor[] {x}, (g, need) -> new Tensor[] {masked(g, keep, scale)});
  }

  /** {@code t} with dropped elements zeroed and kept ones multiplied by {@code scale}. */
  private static Tensor masked(Tensor t, boolean[] keep, double scale) {
    Tensor out = Tensor.empty(t.dtype(), t.shape());
    Storage in = t.storage();
    Storage os = out.storage();
    int n = keep.length;
    if (t.dtype() == DType.FLOAT32) {
      float fs = (float) scale;
      for (int k = 0; k < n; k++) {
        os.f.put(k, keep[k] ? in.f.get(k) * fs : 0f);
      }
    } else {
      for (int k = 0; k < n; k++) {
        os.d.put(k, keep[k] ? in.d.get(k) * scale : 0.0);
      }
    }
    return out;
  }
}
