package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Fused neural-network ops with hand-written backward passes: softmax, logSoftmax, cross-entropy,
 * layer norm and scaled dot-product attention. Each runs as a few passes over memory instead of a
 * chain of elementwise ops, and accumulates row statistics in double.
 */
public final class NNOps {
  private NNOps() {}

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[256]});

  /** A per-thread float buffer of at least {@code n} elements. */
  private static float[] scratch(int n) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < n) {
      holder[0] = new float[Math.max(n, 2 * holder[0].length)];
    }
    return holder[0];
  }

  /** Copies {@code n} elements {@code s[base + k * stride]} into {@code dst[0..n)}. */
  static void load(Storage s, int base, int stride, double[] dst, int n) {
    if (s.dtype == DType.FLOAT32) {
      FloatBuffer f = s.f;
      if (stride == 1) {
        // One bulk copy, then a widening loop the JIT can vectorise.
        float[] tmp = scratch(n);
        f.get(base, tmp, 0, n);
        for (int k = 0; k < n; k++) {
          dst[k] = tmp[k];
        }
      } else {
        for (int k = 0; k < n; k++) {
          dst[k] = f.get(base + k * stride);
        }
      }
    } else {
      for (int k = 0; k < n; k++) {
        dst[k] = s.getDouble(base + k * stride);
      }
    }
  }

  /** Writes {@code src[0..n)} to {@code s[base + k * stride]}. */
  static void store(Storage s, int base, int stride, double[] src, int n) {
    if (s.dtype == DType.FLOAT32) {
      FloatBuffer f = s.f;
      if (stride == 1) {
        float[] tmp = scratch(n);
        for (int k = 0; k < n; k++) {
          tmp[k] = (float) src[k];
        }
        f.put(base, tmp, 0, n);
      } else {
        for (int k = 0; k < n; k++) {
          f.put(base + k * stride, (float) src[k]);
        }
      }
    } else {
      for (int k = 0; k < n; k++) {
        s.setDouble(base + k * stride, src[k]);
      }
    }
  }

  /** e^v: single-precision-accurate fast path for FLOAT32 data, exact for FLOAT64. */
  static double exp(boolean f32, double v) {
    return f32 ? FastMath.exp(v) : Math.exp(v);
  }

  /**
   * In-place softmax (or log-softmax) of {@code row[0..n)}; a row of all {@code -inf} becomes zeros
   * (log: stays {@code -inf}). Returns the log-sum-exp.
   */
  static double softmaxRow(double[] row, int n, boolean log, boolean f32) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      double v = row[k];
      if (v > max || Double.isNaN(v)) {
        max = v;
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      for (int k = 0; k < n; k++) {
        row[k] = log ? Double.NEGATIVE_INFINITY : 0.0;
      }
      return Double.NEGATIVE_INFINITY;
    }
    double sum = 0;
    if (log) {
      for (int k = 0; k < n; k++) {
        sum += exp(f32, row[k] - max);
      }
      double lse = max + Math.log(sum);
      for (int k = 0; k < n; k++) {
        row[k] -= lse;
      }
      return lse;
    }
    for (int k = 0; k < n; k++) {
      double e = exp(f32, row[k] - max);
      row[k] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int k = 0; k < n; k++) {
      row[k] *= inv;
    }
    return max + Math.log(sum);
  }

  /**
   * FLOAT32 softmax of {@code row[0..live)} with SIMD exp; {@code row[live..n)} become 0 (masked
   * keys). A row with no live entry becomes all zeros.
   */
  static void softmaxRowF(float[] row, int live, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < live; k++) {
      if (row[k] > max || Float.isNaN(row[k])) {
        max = row[k];
      }
    }
    if (live == 0 || max == Float.NEGATIVE_INFINITY) {
      java.util.Arrays.fill(row, 0, n, 0f);
      return;
    }
    float sum = VectorKernels.expShiftSum(row, live, max);
    float inv = 1f / sum;
    for (int k = 0; k < live; k++) {
      row[k] *= inv;
    }
    java.util.Arrays.fill(row, live, n, 0f);
  }

  /** {@code [outer, len, inner]} view of a shape around {@code dim}. */
  private record Axis(int outer, int len, int inner) {
    static Axis of(long[] s, int d) {
      long outer = 1;
      long inner = 1;
      for (int k = 0; k < d; k++) {
        outer *= s[k];
      }
      for (int k = d + 1; k < s.length; k++) {
        inner *= s[k];
      }
      return new Axis((int) outer, s.length == 0 ? 1 : (int) s[d], (int) inner);
    }
  }

  // ------------------------------------------------------------------ softmax / logSoftmax

  /** Softmax along {@code dim}; a row of all {@code -inf} gives zeros instead of NaN. */
  public static Tensor softmax(Tensor x, int dim) {
    return softmaxImpl(x, dim, false);
  }

  /** Log-softmax along {@code dim}. */
  public static Tensor logSoftmax(Tensor x, int dim) {
    return softmaxImpl(x, dim, true);
  }

  private static Tensor softmaxImpl(Tensor x, int dim, boolean log) {
    String op = log ? "logSoftmax" : "softmax";
    Pointwise.requireFloat(op, x);
    long[] s = x.shape();
    int d = Shape.dim(op, dim, s.length);
    Axis ax = Axis.of(s, d);
    Tensor out = Tensor.empty(x.dtype(), s);
    Storage xs = x.storage();
    Storage os = out.storage();
    boolean f32 = x.dtype() == DType.FLOAT32;
    double[] row = new double[ax.len];
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int base = o * ax.len * ax.inner + i;
        load(xs, base, ax.inner, row, ax.len);
        softmaxRow(row, ax.len, log, f32);
        store(os, base, ax.inner, row, ax.len);
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        op, out, new Tensor[] {x}, (g, n) -> new Tensor[] {softmaxBackward(g, out, ax, log)}, out);
  }

  private static Tensor softmaxBackward(Tensor g, Tensor y, Axis ax, boolean log) {
    Tensor gx = Tensor.empty(y.dtype(), y.shape());
    boolean f32 = y.dtype() == DType.FLOAT32;
    double[] gr = new double[ax.len];
    double[] yr = new double[ax.len];
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int base = o * ax.len * ax.inner + i;
        load(g.storage(), base, ax.inner, gr, ax.len);
        load(y.storage(), base, ax.inner, yr, ax.len);
        double dot = 0;
        for (int k = 0; k < ax.len; k++) {
          dot += log ? gr[k] : gr[k] * yr[k];
        }
        for (int k = 0; k < ax.len; k++) {
          gr[k] = log ? gr[k] - exp(f32, yr[k]) * dot : yr[k] * (gr[k] - dot);
        }
        store(gx.storage(), base, ax.inner, gr, ax.len);
      }
    }
    return gx;
  }

  // ------------------------------------------------------------------ cross-entropy

  /** How per-element losses are combined. */
  public enum Reduction {
    /** Mean over the elements that count (non-ignored targets). */
    MEAN,
    /** Sum. */
    SUM,
    /** No reduction: the per-element losses, shaped like the targets. */
    NONE
  }

  /**
   * Cross-entropy of {@code logits [..., C]} (classes in the last dim) against integer {@code
   * targets [...]}. Targets equal to {@code ignoreIndex} contribute nothing; with MEAN the loss is
   * divided by the number of counted targets (0 if none, rather than PyTorch's NaN).
   */
  public static Tensor crossEntropy(
      Tensor logits, Tensor targets, int ignoreIndex, Reduction reduction) {
    return nllFused(logits, targets, ignoreIndex, reduction, true, "crossEntropy");
  }

  /**
   * Negative log-likelihood of log-probabilities {@code [..., C]} against {@code targets [...]}.
   */
  public static Tensor nllLoss(
      Tensor logProbs, Tensor targets, int ignoreIndex, Reduction reduction) {
    return nllFused(logProbs, targets, ignoreIndex, reduction, false, "nllLoss");
  }

  private static Tensor nllFused(
      Tensor x,
      Tensor targets,
      int ignoreIndex,
      Reduction reduction,
      boolean fromLogits,
      String op) {
    Pointwise.requireFloat(op, x);
    if (!targets.dtype().isInteger()) {
      throw new IllegalArgumentException(
          op + ": targets must be INT64 or INT32 class indices, got " + targets.dtype());
    }
    long[] s = x.shape();
    long[] ts = targets.shape();
    if (s.length < 1 || !Arrays.equals(Arrays.copyOf(s, s.length - 1), ts)) {
      throw new IllegalArgumentException(
          op
              + ": input of shape "
              + Arrays.toString(s)
              + " (classes in the last dim) needs targets"
              + " of shape "
              + Arrays.toString(Arrays.copyOf(s, Math.max(s.length - 1, 0)))
              + ", got "
              + Arrays.toString(ts));
    }
    int c = (int) s[s.length - 1];
    int rows = (int) (x.numel() / Math.max(c, 1));
    Storage xs = x.storage();
    Storage tsr = targets.storage();
    double[] lse = new double[rows];
    double[] losses = new double[rows];
    double[] row = new double[c];
    boolean f32 = x.dtype() == DType.FLOAT32;
    int counted = 0;
    for (int r = 0; r < rows; r++) {
      long t = tsr.getLong(r);
      if (t == ignoreIndex) {
        continue;
      }
      if (t < 0 || t >= c) {
        throw new IllegalArgumentException(
            op + ": target " + t + " at position " + r + " is out of range for " + c + " classes");
      }
      counted++;
      int base = r * c;
      double l = 0;
      if (fromLogits) {
        load(xs, base, 1, row, c);
        l = softmaxRow(row, c, true, f32);
        lse[r] = l;
      }
      losses[r] = l - xs.getDouble(base + (int) t);
    }
    Tensor out;
    double scale;
    if (reduction == Reduction.NONE) {
      out = Tensor.empty(x.dtype(), ts);
      for (int r = 0; r < rows; r++) {
        out.storage().setDouble(r, losses[r]);
      }
      scale = 1;
    } else {
      double total = 0;
      for (double v : losses) {
        total += v;
      }
      scale = reduction == Reduction.MEAN ? (counted == 0 ? 0 : 1.0 / counted) : 1.0;
      out = Tensor.scalar(total * scale, x.dtype());
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    final double sc = scale;
    return Engine.record(
        op,
        out,
        new Tensor[] {x, null},
        (g, n) -> {
          Tensor gx = Tensor.zeros(x.dtype(), s);
          Storage gs = gx.storage();
          Storage go = g.storage();
          double[] grow = new double[c];
          for (int r = 0; r < rows; r++) {
            long t = tsr.getLong(r);
            if (t == ignoreIndex) {
              continue;
            }
            double gr = (reduction == Reduction.NONE ? go.getDouble(r) : go.getDouble(0)) * sc;
            int base = r * c;
            if (fromLogits) {
              load(xs, base, 1, grow, c);
              for (int k = 0; k < c; k++) {
                grow[k] = exp(f32, grow[k] - lse[r]) * gr;
              }
              store(gs, base, 1, grow, c);
            }
            int ti = base + (int) t;
            gs.setDouble(ti, gs.getDouble(ti) - gr);
          }
          return new Tensor[] {gx, null};
        },
        x,
        targets);
  }

  // ------------------------------------------------------------------ layer norm

  /**
   * Layer norm over the trailing dims {@code normalizedShape}: {@code (x - mean) / sqrt(var + eps)
   * * weight + bias} with the biased variance; weight and bias (shape {@code normalizedShape}) may
   * be null.
   */
  public static Tensor layerNorm(
      Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    Pointwise.requireFloat("layerNorm", x);
    long[] s = x.shape();
    int nd = normalizedShape.length;
    if (nd == 0
        || nd > s.length
        || !Arrays.equals(Arrays.copyOfRange(s, s.length - nd, s.length), normalizedShape)) {
      throw new IllegalArgumentException(
          "layerNorm: normalized shape "
              + Arrays.toString(normalizedShape)
              + " must match the trailing dims of input shape "
              + Arrays.toString(s));
    }
    for (Tensor p : new Tensor[] {weight, bias}) {
      if (p != null && !Arrays.equals(p.shape(), normalizedShape)) {
        throw new IllegalArgumentException(
            "layerNorm: weight/bias of shape "
                + Arrays.toString(p.shape())
                + " must have the normalized shape "
                + Arrays.toString(normalizedShape));
      }
    }
    Tensor w = weight == null ? null : Pointwise.convert(weight, x.dtype());
    Tensor b = bias == null ? null : Pointwise.convert(bias, x.dtype());
    int len = (int) Shape.numel(normalizedShape);
    int rows = len == 0 ? 0 : (int) (x.numel() / len);
    Tensor out = Tensor.empty(x.dtype(), s);
    double[] means = new double[rows];
    double[] rstds = new double[rows];
    Storage xs = x.storage();
    Storage os = out.storage();
    Storage ws = w == null ? null : w.storage();
    Storage bs = b == null ? null : b.storage();
    double[] wv = new double[len];
    double[] bv = new double[len];
    java.util.Arrays.fill(wv, 1.0);
    if (ws != null) {
      load(ws, 0, 1, wv, len);
    }
    if (bs != null) {
      load(bs, 0, 1, bv, len);
    }
    final int n = len;
    boolean simd = x.dtype() == DType.FLOAT32 && Simd.ENABLED;
    float[] wf = new float[simd ? len : 0];
    float[] bf = new float[simd ? len : 0];
    if (simd) {
      for (int k = 0; k < len; k++) {
        wf[k] = (float) wv[k];
        bf[k] = (float) bv[k];
      }
      Parallel.forRange(
          rows,
          Math.max(1, Pointwise.GRAIN / Math.max(1, len)),
          (lo, hi) -> {
            float[] row = new float[n];
            double[] stats = new double[2];
            for (int r = lo; r < hi; r++) {
              xs.f.get(r * n, row, 0, n);
              VectorKernels.layerNormRow(row, n, wf, bf, eps, stats);
              means[r] = stats[0];
              rstds[r] = stats[1];
              os.f.put(r * n, row, 0, n);
            }
          });
    }
    Parallel.forRange(
        simd ? 0 : rows,
        Math.max(1, Pointwise.GRAIN / Math.max(1, len)),
        (lo, hi) -> {
          double[] row = new double[n];
          for (int r = lo; r < hi; r++) {
            int base = r * n;
            load(xs, base, 1, row, n);
            double sum = 0;
            for (int k = 0; k < n; k++) {
              sum += row[k];
            }
            double mean = sum / n;
            double sq = 0;
            for (int k = 0; k < n; k++) {
              double dv = row[k] - mean;
              sq += dv * dv;
            }
            double rstd = 1.0 / Math.sqrt(sq / n + eps);
            means[r] = mean;
            rstds[r] = rstd;
            for (int k = 0; k < n; k++) {
              row[k] = (row[k] - mean) * rstd * wv[k] + bv[k];
            }
            store(os, base, 1, row, n);
          }
        });
    if (!Engine.needsRecord(x, weight, bias)) {
      return out;
    }
    Tensor[] saved = w == null ? new Tensor[] {x} : new Tensor[] {x, w};
    return Engine.record(
        "layerNorm",
        out,
        new Tensor[] {x, weight, bias},
        (g, need) -> {
          Storage gs = g.storage();
          Tensor gx = need[0] ? Tensor.empty(x.dtype(), s) : null;
          double[] gw = new double[len];
          double[] gb = new double[len];
          if (simd) {
            float[] xr = new float[len];
            float[] gr = new float[len];
            float[] gwf = new float[len];
            float[] gbf = new float[len];
            for (int r = 0; r < rows; r++) {
              xs.f.get(r * len, xr, 0, len);
              gs.f.get(r * len, gr, 0, len);
              VectorKernels.layerNormRowBackward(
                  xr, gr, len, (float) means[r], (float) rstds[r], wf, gwf, gbf);
              if (gx != null) {
                gx.storage().f.put(r * len, gr, 0, len);
              }
              if ((r & 63) == 63 || r == rows - 1) {
                // Flush the float partial sums into double every 64 rows.
                for (int k = 0; k < len; k++) {
                  gw[k] += gwf[k];
                  gb[k] += gbf[k];
                  gwf[k] = 0f;
                  gbf[k] = 0f;
                }
              }
            }
          }
          double[] dxhat = new double[len];
          double[] xhat = new double[len];
          double[] grow = new double[len];
          for (int r = simd ? rows : 0; r < rows; r++) {
            int base = r * len;
            double mean = means[r];
            double rstd = rstds[r];
            load(xs, base, 1, xhat, len);
            load(gs, base, 1, grow, len);
            double sumD = 0;
            double sumDX = 0;
            for (int k = 0; k < len; k++) {
              double xh = (xhat[k] - mean) * rstd;
              double gv = grow[k];
              xhat[k] = xh;
              gw[k] += gv * xh;
              gb[k] += gv;
              double dh = ws == null ? gv : gv * wv[k];
              dxhat[k] = dh;
              sumD += dh;
              sumDX += dh * xh;
            }
            if (gx != null) {
              double md = sumD / len;
              double mdx = sumDX / len;
              for (int k = 0; k < len; k++) {
                grow[k] = rstd * (dxhat[k] - md - xhat[k] * mdx);
              }
              store(gx.storage(), base, 1, grow, len);
            }
          }
          Tensor gwT = null;
          Tensor gbT = null;
          if (need[1]) {
            gwT = Tensor.empty(weight.dtype(), normalizedShape);
            for (int k = 0; k < len; k++) {
              gwT.storage().setDouble(k, gw[k]);
            }
          }
          if (need[2]) {
            gbT = Tensor.empty(bias.dtype(), normalizedShape);
            for (int k = 0; k < len; k++) {
              gbT.storage().setDouble(k, gb[k]);
            }
          }
          return new Tensor[] {gx, gwT, gbT};
        },
        saved);
  }

  // ------------------------------------------------------------------ attention

  /**
   * Where one batch-head's matrices live: element {@code (row, col)} of matrix {@code b} is at
   * {@code off[b] + row * ld + col}. Lets attention read q, k, v straight out of a fused {@code [B,
   * T, 3C]} projection without copying.
   */
  private record Layout(int[] off, int ld) {
    static Layout contiguous(int nb, int rows, int cols) {
      int[] o = new int[nb];
      for (int b = 0; b < nb; b++) {
        o[b] = b * rows * cols;
      }
      return new Layout(o, cols);
    }

    /**
     * Head {@code h} of batch {@code b} at column {@code col0 + h * d} of rows of width {@code w}.
     */
    static Layout heads(int batch, int heads, int t, int w, int col0, int d) {
      int[] o = new int[batch * heads];
      for (int b = 0; b < batch; b++) {
        for (int h = 0; h < heads; h++) {
          o[b * heads + h] = b * t * w + col0 + h * d;
        }
      }
      return new Layout(o, w);
    }
  }

  /**
   * Forward of attention over {@code nb} batch-heads; returns the probabilities {@code [nb, tq,
   * tk]} (saved for backward) after writing the output through {@code lo}.
   */
  private static Tensor attentionForward(
      DType type,
      int nb,
      int tq,
      int tk,
      int d,
      int dv,
      Storage qs,
      Layout lq,
      Storage ks,
      Layout lk,
      Storage vs,
      Layout lv,
      Storage os,
      Layout lo,
      Storage msr,
      boolean boolMask,
      boolean causal,
      double sc) {
    Tensor p = Tensor.empty(type, nb, tq, tk);
    Storage ps = p.storage();
    int offset = tk - tq;
    boolean f32 = type == DType.FLOAT32;
    double[] srow = new double[tk];
    float[] frow = new float[tk];
    for (int b = 0; b < nb; b++) {
      int po = b * tq * tk;
      LinAlg.gemm(
          false, true, tq, tk, d, sc, qs, lq.off[b], lq.ld, ks, lk.off[b], lk.ld, 0, ps, po, tk);
      for (int i = 0; i < tq; i++) {
        int rowOff = po + i * tk;
        if (f32 && msr == null && Simd.ENABLED) {
          // Only keys 0..i+offset take part in a causal row; the rest are exact zeros.
          int live = causal ? Math.max(0, Math.min(tk, i + offset + 1)) : tk;
          ps.f.get(rowOff, frow, 0, tk);
          softmaxRowF(frow, live, tk);
          ps.f.put(rowOff, frow, 0, tk);
          continue;
        }
        load(ps, rowOff, 1, srow, tk);
        for (int j = 0; j < tk; j++) {
          boolean allowed = !causal || j <= i + offset;
          if (msr != null) {
            if (boolMask) {
              allowed &= msr.b.get(rowOff + j) != 0;
            } else {
              srow[j] += msr.getDouble(rowOff + j);
            }
          }
          if (!allowed) {
            srow[j] = Double.NEGATIVE_INFINITY;
          }
        }
        softmaxRow(srow, tk, false, f32);
        store(ps, rowOff, 1, srow, tk);
      }
      LinAlg.gemm(
          false, false, tq, dv, tk, 1, ps, po, tk, vs, lv.off[b], lv.ld, 0, os, lo.off[b], lo.ld);
    }
    return p;
  }

  /** Backward of {@link #attentionForward}: writes dq, dk, dv through their layouts. */
  private static void attentionBackward(
      DType type,
      int nb,
      int tq,
      int tk,
      int d,
      int dv,
      double sc,
      Storage ps,
      Storage gs,
      Layout lg,
      Storage qs,
      Layout lq,
      Storage ks,
      Layout lk,
      Storage vs,
      Layout lv,
      Storage gq,
      Layout lgq,
      Storage gk,
      Layout lgk,
      Storage gv,
      Layout lgv) {
    Tensor dp = Tensor.empty(type, tq, tk);
    Storage dps = dp.storage();
    double[] drow = new double[tk];
    double[] prow = new double[tk];
    float[] fd = new float[tk * tq];
    float[] fp = new float[tk * tq];
    for (int b = 0; b < nb; b++) {
      int po = b * tq * tk;
      int go = lg.off[b];
      // dV = Pᵀ·dO
      LinAlg.gemm(true, false, tk, dv, tq, 1, ps, po, tk, gs, go, lg.ld, 0, gv, lgv.off[b], lgv.ld);
      // dP = dO·Vᵀ
      LinAlg.gemm(false, true, tq, tk, dv, 1, gs, go, lg.ld, vs, lv.off[b], lv.ld, 0, dps, 0, tk);
      // dS = P ∘ (dP − rowsum(dP ∘ P)) · scale
      if (type == DType.FLOAT32) {
        attentionScoreGradF(dps.f, ps.f, po, tq, tk, (float) sc, fd, fp);
      } else {
        for (int i = 0; i < tq; i++) {
          load(dps, i * tk, 1, drow, tk);
          load(ps, po + i * tk, 1, prow, tk);
          double dot = 0;
          for (int j = 0; j < tk; j++) {
            dot += drow[j] * prow[j];
          }
          for (int j = 0; j < tk; j++) {
            drow[j] = prow[j] * (drow[j] - dot) * sc;
          }
          store(dps, i * tk, 1, drow, tk);
        }
      }
      // dQ = dS·K ; dK = dSᵀ·Q
      LinAlg.gemm(
          false, false, tq, d, tk, 1, dps, 0, tk, ks, lk.off[b], lk.ld, 0, gq, lgq.off[b], lgq.ld);
      LinAlg.gemm(
          true, false, tk, d, tq, 1, dps, 0, tk, qs, lq.off[b], lq.ld, 0, gk, lgk.off[b], lgk.ld);
    }
    dps.release();
  }

  /**
   * FLOAT32 {@code dS = P ∘ (dP − rowsum(dP ∘ P)) · scale} for one batch-head, in place in {@code
   * dp}; the rows are copied to heap arrays so the JIT can vectorise the loops.
   */
  private static void attentionScoreGradF(
      FloatBuffer dp, FloatBuffer p, int po, int tq, int tk, float sc, float[] fd, float[] fp) {
    int n = tq * tk;
    dp.get(0, fd, 0, n);
    p.get(po, fp, 0, n);
    for (int i = 0; i < tq; i++) {
      int o = i * tk;
      float dot = 0;
      for (int j = 0; j < tk; j++) {
        dot += fd[o + j] * fp[o + j];
      }
      for (int j = 0; j < tk; j++) {
        fd[o + j] = fp[o + j] * (fd[o + j] - dot) * sc;
      }
    }
    dp.put(0, fd, 0, n);
  }

  /**
   * Fused scaled dot-product attention {@code softmax(q·kᵀ·scale + mask)·v}.
   *
   * @param q queries {@code [..., Tq, D]}
   * @param k keys {@code [..., Tk, D]} (same leading dims as q)
   * @param v values {@code [..., Tk, Dv]}
   * @param mask null, a BOOL mask (true = may attend) or a floating additive mask, broadcastable to
   *     {@code [..., Tq, Tk]}
   * @param causal if true, query {@code i} attends only to keys {@code j <= i + (Tk - Tq)}
   *     (bottom-right aligned, as a KV cache needs; equal to PyTorch's when {@code Tq == Tk})
   * @param scale the score scale; {@code NaN} means {@code 1/sqrt(D)}
   * @return {@code [..., Tq, Dv]}; a query that may attend to no key gets zeros
   */
  public static Tensor attention(
      Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
    String op = "scaledDotProductAttention";
    Pointwise.requireFloat(op, q);
    long[] qs = q.shape();
    long[] ks = k.shape();
    long[] vs = v.shape();
    int r = qs.length;
    if (r < 2
        || ks.length != r
        || vs.length != r
        || !Arrays.equals(Arrays.copyOf(qs, r - 2), Arrays.copyOf(ks, r - 2))
        || !Arrays.equals(Arrays.copyOf(qs, r - 2), Arrays.copyOf(vs, r - 2))
        || qs[r - 1] != ks[r - 1]
        || ks[r - 2] != vs[r - 2]) {
      throw new IllegalArgumentException(
          op
              + ": expected q [..., Tq, D], k [..., Tk, D], v [..., Tk, Dv] with equal leading dims,"
              + " got "
              + Arrays.toString(qs)
              + ", "
              + Arrays.toString(ks)
              + ", "
              + Arrays.toString(vs));
    }
    DType type = q.dtype();
    Tensor k2 = Pointwise.convert(k, type);
    Tensor v2 = Pointwise.convert(v, type);
    int tq = (int) qs[r - 2];
    int d = (int) qs[r - 1];
    int tk = (int) ks[r - 2];
    int dv = (int) vs[r - 1];
    int nb = (int) Shape.numel(Arrays.copyOf(qs, r - 2));
    double sc = Double.isNaN(scale) ? 1.0 / Math.sqrt(d) : scale;
    long[] pShape = Arrays.copyOf(qs, r);
    pShape[r - 1] = tk;
    Storage msr = expandMask(op, mask, pShape, type);
    boolean boolMask = mask != null && mask.dtype() == DType.BOOL;
    long[] outShape = vs.clone();
    outShape[r - 2] = tq;
    Tensor out = Tensor.empty(type, outShape);
    Layout lq = Layout.contiguous(nb, tq, d);
    Layout lk = Layout.contiguous(nb, tk, d);
    Layout lv = Layout.contiguous(nb, tk, dv);
    Layout lo = Layout.contiguous(nb, tq, dv);
    Tensor p =
        attentionForward(
            type,
            nb,
            tq,
            tk,
            d,
            dv,
            q.storage(),
            lq,
            k2.storage(),
            lk,
            v2.storage(),
            lv,
            out.storage(),
            lo,
            msr,
            boolMask,
            causal,
            sc);
    if (!Engine.needsRecord(q, k, v)) {
      p.storage().release();
      return out;
    }
    Engine.record(
        op,
        out,
        new Tensor[] {q, k, v},
        (g, need) -> {
          Tensor gq = Tensor.empty(type, qs);
          Tensor gk = Tensor.empty(type, ks);
          Tensor gv = Tensor.empty(type, vs);
          attentionBackward(
              type,
              nb,
              tq,
              tk,
              d,
              dv,
              sc,
              p.storage(),
              g.storage(),
              lo,
              q.storage(),
              lq,
              k2.storage(),
              lk,
              v2.storage(),
              lv,
              gq.storage(),
              lq,
              gk.storage(),
              lk,
              gv.storage(),
              lv);
          return new Tensor[] {
            need[0] ? gq : null,
            need[1] ? gk.to(k.dtype()) : null,
            need[2] ? gv.to(v.dtype()) : null
          };
        },
        q,
        k2,
        v2);
    Engine.freeOnRelease(out, p.storage());
    return out;
  }

  private static Storage expandMask(String op, Tensor mask, long[] pShape, DType type) {
    if (mask == null) {
      return null;
    }
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor m = mask.dtype() == DType.BOOL ? mask : mask.to(type);
      try {
        return Shapes.expand(m, pShape).storage();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            op
                + ": mask of shape "
                + Arrays.toString(mask.shape())
                + " does not broadcast to the score shape "
                + Arrays.toString(pShape));
      }
    }
  }

  /**
   * Multi-head causal (or masked) self-attention straight from a fused projection {@code qkv [B, T,
   * 3C]} laid out as {@code [q | k | v]} with {@code nHead} heads of {@code C / nHead} columns each
   * (GPT-2's {@code c_attn} output). Returns {@code [B, T, C]} with heads concatenated — the same
   * numbers as splitting, reshaping to {@code [B, nHead, T, D]}, {@link #attention} and merging
   * back, without the five copies that takes.
   *
   * @throws IllegalArgumentException if the last dim is not divisible by {@code 3 * nHead}
   */
  public static Tensor selfAttention(Tensor qkv, int nHead, boolean causal, Tensor mask) {
    String op = "selfAttention";
    Pointwise.requireFloat(op, qkv);
    long[] s = qkv.shape();
    if (s.length != 3 || nHead <= 0 || s[2] % (3L * nHead) != 0) {
      throw new IllegalArgumentException(
          op
              + ": expected qkv [B, T, 3C] with C divisible by nHead="
              + nHead
              + ", got "
              + Arrays.toString(s));
    }
    DType type = qkv.dtype();
    int bsz = (int) s[0];
    int t = (int) s[1];
    int c = (int) (s[2] / 3);
    int d = c / nHead;
    int nb = bsz * nHead;
    Storage msr = expandMask(op, mask, new long[] {bsz, nHead, t, t}, type);
    boolean boolMask = mask != null && mask.dtype() == DType.BOOL;
    Layout lq = Layout.heads(bsz, nHead, t, 3 * c, 0, d);
    Layout lk = Layout.heads(bsz, nHead, t, 3 * c, c, d);
    Layout lv = Layout.heads(bsz, nHead, t, 3 * c, 2 * c, d);
    Layout lo = Layout.heads(bsz, nHead, t, c, 0, d);
    Tensor out = Tensor.empty(type, bsz, t, c);
    double sc = 1.0 / Math.sqrt(d);
    Storage in = qkv.storage();
    Tensor p =
        attentionForward(
            type,
            nb,
            t,
            t,
            d,
            d,
            in,
            lq,
            in,
            lk,
            in,
            lv,
            out.storage(),
            lo,
            msr,
            boolMask,
            causal,
            sc);
    if (!Engine.needsRecord(qkv)) {
      p.storage().release();
      return out;
    }
    Engine.record(
        op,
        out,
        new Tensor[] {qkv},
        (g, need) -> {
          Tensor gqkv = Tensor.empty(type, s);
          Storage gs = gqkv.storage();
          attentionBackward(
              type,
              nb,
              t,
              t,
              d,
              d,
              sc,
              p.storage(),
              g.storage(),
              lo,
              in,
              lq,
              in,
              lk,
              in,
              lv,
              gs,
              lq,
              gs,
              lk,
              gs,
              lv);
          return new Tensor[] {gqkv};
        },
        qkv);
    Engine.freeOnRelease(out, p.storage());
    return out;
  }
}
