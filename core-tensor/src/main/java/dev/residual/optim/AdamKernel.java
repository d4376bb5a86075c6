package dev.residual.optim;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/** The fused update shared by {@link Adam} and {@link AdamW} (PyTorch 1.13's formula order). */
final class AdamKernel {
  private AdamKernel() {}

  static void validate(Optimizer o, ParamGroup g) {
    o.requireNonNegative(g, "lr");
    o.requireNonNegative(g, "eps");
    o.requireUnitInterval(g, "beta1");
    o.requireUnitInterval(g, "beta2");
    o.requireNonNegative(g, "weight_decay");
    o.requireFlag(g, "amsgrad");
    o.requireFlag(g, "maximize");
  }

  /**
   * One step. {@code decoupled}: AdamW's {@code p *= 1 - lr * wd} before the update; otherwise
   * Adam's L2 term {@code g + wd * p}.
   */
  static void update(
      ParamGroup g, Tensor param, Tensor grad, Optimizer.ParamState s, boolean decoupled) {
    final double lr = g.lr();
    final double beta1 = g.getDouble("beta1");
    final double beta2 = g.getDouble("beta2");
    final double eps = g.getDouble("eps");
    final double wd = g.getDouble("weight_decay");
    final boolean amsgrad = g.getBoolean("amsgrad");
    final boolean maximize = g.getBoolean("maximize");
    Storage ps = param.storage();
    Storage gs = grad.storage();
    Storage ms = s.bufferOrZeros("exp_avg", param).storage();
    Storage vs = s.bufferOrZeros("exp_avg_sq", param).storage();
    Storage xs = amsgrad ? s.bufferOrZeros("max_exp_avg_sq", param).storage() : null;
    s.step++;
    final double step = s.step;
    final double bc1 = 1 - Math.pow(beta1, step);
    final double bc2 = 1 - Math.pow(beta2, step);
    final double stepSize = lr / bc1;
    final double bc2Sqrt = Math.sqrt(bc2);
    final double decay = 1 - lr * wd;
    final boolean l2 = !decoupled && wd != 0;
    final boolean shrink = decoupled && wd != 0;
    final int n = ps.length;
    if (ps.dtype == DType.FLOAT64) {
      DoubleBuffer p = ps.d;
      DoubleBuffer gr = gs.d;
      DoubleBuffer m = ms.d;
      DoubleBuffer v = vs.d;
      DoubleBuffer x = xs == null ? null : xs.d;
      for (int i = 0; i < n; i++) {
        double gi = maximize ? -gr.get(i) : gr.get(i);
        double pi = p.get(i);
        if (shrink) {
          pi = pi * decay;
        }
        if (l2) {
          gi = gi + wd * pi;
        }
        double mi = m.get(i) * beta1 + (1 - beta1) * gi;
        double vi = v.get(i) * beta2 + (1 - beta2) * gi * gi;
        m.put(i, mi);
        v.put(i, vi);
        if (amsgrad) {
          vi = Math.max(x.get(i), vi);
          x.put(i, vi);
        }
        double denom = Math.sqrt(vi) / bc2Sqrt + eps;
        p.put(i, pi + -stepSize * (mi / denom));
      }
    } else if (!amsgrad) {
      // FLOAT32: chunks copied to heap arrays and updated by a branch-free loop the JIT can
      // vectorise (per-element buffer calls made this loop the bulk of a small model's step).
      updateFloatChunks(
          ps.f,
          gs.f,
          ms.f,
          vs.f,
          n,
          beta1,
          beta2,
          eps,
          stepSize,
          bc2Sqrt,
          shrink ? decay : 1.0,
          l2 ? wd : 0.0,
          maximize ? -1.0 : 1.0);
    } else {
      FloatBuffer p = ps.f;
      FloatBuffer gr = gs.f;
      FloatBuffer m = ms.f;
      FloatBuffer v = vs.f;
      FloatBuffer x = xs.f;
      for (int i = 0; i < n; i++) {
        double gi = maximize ? -gr.get(i) : gr.get(i);
        double pi = p.get(i);
        if (shrink) {
          pi = (float) (pi * decay);
        }
        if (l2) {
          gi = gi + wd * pi;
        }
        float mi = (float) (m.get(i) * beta1 + (1 - beta1) * gi);
        float vi = (float) (v.get(i) * beta2 + (1 - beta2) * gi * gi);
        m.put(i, mi);
        v.put(i, vi);
        vi = Math.max(x.get(i), vi);
        x.put(i, vi);
        double denom = Math.sqrt(vi) / bc2Sqrt + eps;
        p.put(i, (float) (pi + -stepSize * (mi / denom)));
      }
    }
    ms.bumpVersion();
    vs.bumpVersion();
    if (xs != null) {
      xs.bumpVersion();
    }
  }

  private static void updateFloatChunks(
      FloatBuffer p,
      FloatBuffer gr,
      FloatBuffer m,
      FloatBuffer v,
      int n,
      double beta1,
      double beta2,
      double eps,
      double stepSize,
      double bc2Sqrt,
      double decayFactor,
      double l2wd,
      double sign) {
    final float b1 = (float) beta1;
    final float b2 = (float) beta2;
    final float c1 = (float) (1 - beta1);
    final float c2 = (float) (1 - beta2);
    final float epsF = (float) eps;
    final float negStepF = (float) -stepSize;
    final float bc2SqrtF = (float) bc2Sqrt;
    final float decayF = (float) decayFactor;
    final float l2wdF = (float) l2wd;
    final float signF = (float) sign;
    FloatChunks.run(
        n,
        new FloatBuffer[] {p, gr, m, v},
        new boolean[] {true, false, true, true},
        (a, len) -> {
          float[] pa = a[0];
          float[] ga = a[1];
          float[] ma = a[2];
          float[] va = a[3];
          for (int i = 0; i < len; i++) {
            // PyTorch's float32 op order: p *= 1 - lr*wd; g += wd*p; m = m*b1 + (1-b1)*g;
            // v = v*b2 + (1-b2)*g*g; p += -stepSize * m / (sqrt(v)/sqrt(bc2) + eps).
            float pi = pa[i] * decayF;
            float gi = signF * ga[i] + l2wdF * pi;
            float mi = ma[i] * b1 + c1 * gi;
            float vi = va[i] * b2 + c2 * (gi * gi);
            ma[i] = mi;
            va[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2SqrtF + epsF;
            pa[i] = pi + negStepF * (mi / denom);
          }
        });
  }
}
