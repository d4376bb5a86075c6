package dev.residual.optim;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, as PyTorch 1.13's {@code torch.nn.utils.clip_grad_norm_} and {@code
 * clip_grad_value_}. Both modify the gradients in place (bumping their version) and skip parameters
 * whose {@code grad()} is null.
 */
public final class GradClip {
  private GradClip() {}

  /** {@link #clipGradNorm(List, double, double)} with the Euclidean norm ({@code normType = 2}). */
  public static double clipGradNorm(List<Tensor> params, double maxNorm) {
    return clipGradNorm(params, maxNorm, 2.0);
  }

  /**
   * Scales all gradients together so that their joint norm is at most {@code maxNorm}, and returns
   * the joint norm measured before clipping.
   *
   * <p>The joint norm is the {@code normType}-norm of the per-gradient norms (for {@code
   * Double.POSITIVE_INFINITY}, the largest absolute gradient entry). Every gradient is multiplied
   * by {@code min(1, maxNorm / (total + 1e-6))}. When every gradient is FLOAT32 the norms and the
   * coefficient are rounded to float as PyTorch computes them in float, so the results match
   * PyTorch's to the last bit in ordinary cases; sums are accumulated in double.
   *
   * @return the total norm (0 if no parameter has a gradient); NaN or infinite if a gradient is
   * @throws IllegalArgumentException if {@code maxNorm} is negative or NaN, or {@code normType} is
   *     not positive
   */
  public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
    }
    if (!(normType > 0)) {
      throw new IllegalArgumentException(
          "clipGradNorm: normType must be > 0 (or infinity), got " + normType);
    }
    List<Tensor> grads = new ArrayList<>();
    boolean allFloat = true;
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g != null) {
        grads.add(g);
        allFloat &= g.dtype() == DType.FLOAT32;
      }
    }
    if (grads.isEmpty()) {
      return 0.0;
    }
    boolean inf = Double.isInfinite(normType);
    double acc = 0;
    double single = 0;
    for (Tensor g : grads) {
      double norm = norm(g.storage(), normType);
      single = norm;
      if (allFloat) {
        norm = (float) norm;
      }
      if (inf) {
        acc = Math.max(acc, norm);
        if (Double.isNaN(norm)) {
          acc = Double.NaN;
          break;
        }
      } else {
        acc += normType == 2 ? norm * norm : Math.pow(norm, normType);
      }
    }
    double total;
    if (inf) {
      total = acc;
    } else if (grads.size() == 1) {
      total = single;
    } else {
      total = normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1.0 / normType);
    }
    double coef;
    if (allFloat) {
      total = (float) total;
      coef = Math.min(1f, (float) maxNorm / ((float) total + 1e-6f));
    } else {
      coef = Math.min(1.0, maxNorm / (total + 1e-6));
    }
    // PyTorch multiplies even when the coefficient is 1; skipping that multiplication is exact.
    if (coef < 1 || Double.isNaN(coef)) {
      for (Tensor g : grads) {
        scale(g.storage(), coef);
      }
    }
    return allFloat ? (float) total : total;
  }

  private static double norm(Storage s, double p) {
    int n = s.length;
    if (Double.isInfinite(p)) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        double a = Math.abs(s.dtype == DType.FLOAT32 ? s.f.get(i) : s.getDouble(i));
        if (!(a <= m)) {
          m = a;
        }
      }
      return m;
    }
    double acc = 0;
    if (s.dtype == DType.FLOAT32) {
      FloatBuffer f = s.f;
      if (p == 2) {
        for (int i = 0; i < n; i++) {
          double v = f.get(i);
          acc += v * v;
        }
      } else {
        for (int i = 0; i < n; i++) {
          acc += Math.pow(Math.abs(f.get(i)), p);
        }
      }
    } else if (s.dtype == DType.FLOAT64) {
      DoubleBuffer d = s.d;
      if (p == 2) {
        for (int i = 0; i < n; i++) {
          double v = d.get(i);
          acc += v * v;
        }
      } else {
        for (int i = 0; i < n; i++) {
          acc += Math.pow(Math.abs(d.get(i)), p);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        acc += Math.pow(Math.abs(s.getDouble(i)), p);
      }
    }
    return p == 2 ? Math.sqrt(acc) : Math.pow(acc, 1.0 / p);
  }

  private static void scale(Storage s, double c) {
    int n = s.length;
    if (s.dtype == DType.FLOAT32) {
      FloatBuffer f = s.f;
      float cf = (float) c;
      for (int i = 0; i < n; i++) {
        f.put(i, f.get(i) * cf);
      }
    } else if (s.dtype == DType.FLOAT64) {
      DoubleBuffer d = s.d;
      for (int i = 0; i < n; i++) {
        d.put(i, d.get(i) * c);
      }
    } else {
      for (int i = 0; i < n; i++) {
        s.setDouble(i, s.getDouble(i) * c);
      }
    }
    s.bumpVersion();
  }

  /**
   * Clamps every gradient entry to {@code [-clipValue, clipValue]} in place.
   *
   * @throws IllegalArgumentException if {@code clipValue} is negative or NaN
   */
  public static void clipGradValue(List<Tensor> params, double clipValue) {
    if (!(clipValue >= 0)) {
      throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
    }
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g == null) {
        continue;
      }
      Storage s = g.storage();
      int n = s.length;
      if (s.dtype == DType.FLOAT32) {
        FloatBuffer f = s.f;
        float c = (float) clipValue;
        for (int i = 0; i < n; i++) {
          float v = f.get(i);
          f.put(i, v > c ? c : (v < -c ? -c : v));
        }
      } else {
        for (int i = 0; i < n; i++) {
          double v = s.getDouble(i);
          s.setDouble(i, v > clipValue ? clipValue : (v < -clipValue ? -clipValue : v));
        }
      }
      s.bumpVersion();
    }
  }
}
