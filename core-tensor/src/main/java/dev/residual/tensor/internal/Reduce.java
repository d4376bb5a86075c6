package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.ValuesIndices;
import java.util.Arrays;

/**
 * Reductions: sum, mean, max/min (values and indices), argmax/argmin, var/std, logSumExp, norm,
 * cumsum, sort, topk — each with its backward. Floating sums accumulate in double.
 */
public final class Reduce {
  private Reduce() {}

  /**
   * Sum over {@code dims} (null: all). Integer and BOOL inputs sum to INT64, as PyTorch.
   *
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
    long[] s = x.shape();
    int[] ds = Shape.dims("sum", dims, s.length);
    DType outType = x.dtype().isFloatingPoint() ? x.dtype() : DType.INT64;
    long[] outShape = Shape.reduced(s, ds, keepDim);
    Tensor out = Tensor.empty(outType, outShape);
    sumInto(x, ds, out);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    long[] keepShape = Shape.reduced(s, ds, true);
    return Engine.record(
        "sum",
        out,
        new Tensor[] {x},
        (g, n) -> new Tensor[] {Shapes.expand(g.reshape(keepShape), s)});
  }

  /** Writes the sum of {@code x} over sorted dims {@code ds} into {@code out}. */
  static void sumInto(Tensor x, int[] ds, Tensor out) {
    long[] s = x.shape();
    long[] keep = Shape.reduced(s, ds, true);
    int[] outStr = Shape.broadcastStrides(keep, s);
    int[] inStr = Shape.intStrides(s);
    int m = (int) Shape.numel(keep);
    Storage xs = x.storage();
    Storage o = out.storage();
    if (x.dtype().isFloatingPoint()) {
      double[] acc = new double[m];
      boolean f32 = x.dtype() == DType.FLOAT32;
      Pointwise.forEachRun(
          s,
          inStr,
          outStr,
          (ao, ast, bo, bst, oo, n) -> {
            if (bst == 0) {
              double t = 0;
              if (f32) {
                for (int k = 0; k < n; k++) {
                  t += xs.f.get(ao + k * ast);
                }
              } else {
                for (int k = 0; k < n; k++) {
                  t += xs.d.get(ao + k * ast);
                }
              }
              acc[bo] += t;
            } else if (f32) {
              for (int k = 0; k < n; k++) {
                acc[bo + k * bst] += xs.f.get(ao + k * ast);
              }
            } else {
              for (int k = 0; k < n; k++) {
                acc[bo + k * bst] += xs.d.get(ao + k * ast);
              }
            }
          });
      for (int k = 0; k < m; k++) {
        o.setDouble(k, acc[k]);
      }
    } else {
      long[] acc = new long[m];
      Pointwise.forEachRun(
          s,
          inStr,
          outStr,
          (ao, ast, bo, bst, oo, n) -> {
            for (int k = 0; k < n; k++) {
              acc[bo + k * bst] += xs.getLong(ao + k * ast);
            }
          });
      for (int k = 0; k < m; k++) {
        o.setLong(k, acc[k]);
      }
    }
  }

  /**
   * Mean over {@code dims} (null: all).
   *
   * @throws IllegalArgumentException for non-floating tensors
   */
  public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
    Pointwise.requireFloat("mean", x);
    int[] ds = Shape.dims("mean", dims, x.dim());
    long count = 1;
    for (int d : ds) {
      count *= x.size(d);
    }
    return sum(x, ds, keepDim).div((double) count);
  }

  /**
   * {@code [outer, len, inner]} view of a shape around {@code dim} (a 0-d shape is {@code [1]}).
   */
  record Axis(int outer, int len, int inner) {
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

    /** Flat offset of element 0 of the row {@code (o, i)}. */
    int base(int o, int i) {
      return o * len * inner + i;
    }
  }

  /** {@code s} with dim {@code d} removed or kept as 1; a 0-d shape stays 0-d. */
  static long[] reducedShape(long[] s, int d, boolean keepDim) {
    return s.length == 0 ? new long[0] : Shape.reduced(s, new int[] {d}, keepDim);
  }

  // ------------------------------------------------------------------ max / min / argmax

  /**
   * Max (or min) of all elements as a 0-d tensor of {@code x}'s type; NaN propagates (a tensor
   * holding a NaN has max and min NaN). The gradient is split evenly among the elements equal to
   * the result (all NaNs when it is NaN), as PyTorch's full {@code max()}.
   *
   * @throws IllegalArgumentException if {@code x} has no elements
   */
  public static Tensor maxAll(Tensor x, boolean max) {
    String op = max ? "max" : "min";
    int n = (int) x.numel();
    if (n == 0) {
      throw new IllegalArgumentException(
          op
              + ": cannot reduce an empty tensor of shape "
              + shapeStr(x)
              + " over all dims (no identity); reduce over a dim instead");
    }
    Storage xs = x.storage();
    int best = extremeIndex(xs, 0, 1, n, max);
    Tensor out = Tensor.empty(x.dtype());
    copyElement(xs, best, out.storage(), 0);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    double v = xs.getDouble(best);
    long[] s = x.shape();
    return Engine.record(
        op,
        out,
        new Tensor[] {x},
        (g, needs) -> {
          boolean nan = Double.isNaN(v);
          int count = 0;
          for (int k = 0; k < n; k++) {
            double e = xs.getDouble(k);
            if (nan ? Double.isNaN(e) : e == v) {
              count++;
            }
          }
          double share = g.item() / count;
          Tensor gx = Tensor.zeros(x.dtype(), s);
          Storage gs = gx.storage();
          for (int k = 0; k < n; k++) {
            double e = xs.getDouble(k);
            if (nan ? Double.isNaN(e) : e == v) {
              gs.setDouble(k, share);
            }
          }
          return new Tensor[] {gx};
        },
        x);
  }

  /**
   * Max (or min) along {@code dim}: the values (type of {@code x}) and their INT64 positions along
   * {@code dim}, each of shape {@code x.shape} without {@code dim} (kept as 1 with {@code
   * keepDim}). Ties pick the first occurrence; a NaN counts as the extreme (the first NaN wins), as
   * PyTorch. The gradient flows only to the selected position of each row.
   *
   * @throws IllegalArgumentException if {@code dim} is out of range or has size 0
   */
  public static ValuesIndices maxDim(Tensor x, int dim, boolean keepDim, boolean max) {
    String op = max ? "max" : "min";
    long[] s = x.shape();
    int d = Shape.dim(op, dim, s.length);
    Axis ax = Axis.of(s, d);
    if (ax.len == 0) {
      throw new IllegalArgumentException(
          op
              + ": dim "
              + dim
              + " of shape "
              + Arrays.toString(s)
              + " has size 0 (no identity to return)");
    }
    long[] outShape = reducedShape(s, d, keepDim);
    Tensor values = Tensor.empty(x.dtype(), outShape);
    Tensor indices = Tensor.empty(DType.INT64, outShape);
    Storage xs = x.storage();
    Storage vs = values.storage();
    Storage is = indices.storage();
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int base = ax.base(o, i);
        int k = extremeIndex(xs, base, ax.inner, ax.len, max);
        int q = o * ax.inner + i;
        copyElement(xs, base + k * ax.inner, vs, q);
        is.l.put(q, k);
      }
    }
    if (Engine.needsRecord(x)) {
      Engine.record(
          op,
          values,
          new Tensor[] {x},
          (g, needs) -> new Tensor[] {scatterAlong(g, indices, s, d)},
          indices);
    }
    return new ValuesIndices(values, indices);
  }

  /**
   * Flat (C-order) index of the max (or min) element, as an INT64 0-d tensor; the first occurrence
   * on ties, the first NaN if there is one.
   *
   * @throws IllegalArgumentException if {@code x} has no elements
   */
  public static Tensor argAll(Tensor x, boolean max) {
    String op = max ? "argmax" : "argmin";
    int n = (int) x.numel();
    if (n == 0) {
      throw new IllegalArgumentException(
          op + ": cannot reduce an empty tensor of shape " + shapeStr(x) + " (no identity)");
    }
    Tensor out = Tensor.empty(DType.INT64);
    out.storage().l.put(0, extremeIndex(x.storage(), 0, 1, n, max));
    return out;
  }

  /**
   * Position (0..len-1) of the first max (or min) among {@code len} elements at {@code base},
   * {@code base + st}, …; a NaN beats every number and the first NaN is returned at once.
   */
  static int extremeIndex(Storage s, int base, int st, int len, boolean max) {
    int best = 0;
    switch (s.dtype) {
      case FLOAT32 -> {
        float bv = s.f.get(base);
        if (bv != bv) {
          return 0;
        }
        for (int k = 1; k < len; k++) {
          float v = s.f.get(base + k * st);
          if (v != v) {
            return k;
          }
          if (max ? v > bv : v < bv) {
            bv = v;
            best = k;
          }
        }
      }
      case FLOAT64 -> {
        double bv = s.d.get(base);
        if (bv != bv) {
          return 0;
        }
        for (int k = 1; k < len; k++) {
          double v = s.d.get(base + k * st);
          if (v != v) {
            return k;
          }
          if (max ? v > bv : v < bv) {
            bv = v;
            best = k;
          }
        }
      }
      default -> {
        long bv = s.getLong(base);
        for (int k = 1; k < len; k++) {
          long v = s.getLong(base + k * st);
          if (max ? v > bv : v < bv) {
            bv = v;
            best = k;
          }
        }
      }
    }
    return best;
  }

  /** {@code dst[dp] = src[sp]}; same type. */
  static void copyElement(Storage src, int sp, Storage dst, int dp) {
    switch (src.dtype) {
      case FLOAT32 -> dst.f.put(dp, src.f.get(sp));
      case FLOAT64 -> dst.d.put(dp, src.d.get(sp));
      case INT32 -> dst.i.put(dp, src.i.get(sp));
      case INT64 -> dst.l.put(dp, src.l.get(sp));
      case BOOL -> dst.b.put(dp, src.b.get(sp));
    }
  }

  /**
   * The gradient of an op that picked elements along dim {@code d}: a zero tensor of shape {@code
   * xShape} with {@code g[o, j, i]} added at {@code [o, indices[o, j, i], i]}. {@code g} and {@code
   * indices} share one shape, equal to {@code xShape} except (possibly) along {@code d}.
   */
  static Tensor scatterAlong(Tensor g, Tensor indices, long[] xShape, int d) {
    Tensor gx = Tensor.zeros(g.dtype(), xShape);
    Axis ax = Axis.of(xShape, d);
    long rows = (long) ax.outer * ax.inner;
    if (rows == 0 || g.numel() == 0) {
      return gx;
    }
    int outLen = (int) (g.numel() / rows);
    Storage gs = g.storage();
    Storage is = indices.storage();
    Storage os = gx.storage();
    boolean f32 = g.dtype() == DType.FLOAT32;
    for (int o = 0; o < ax.outer; o++) {
      for (int j = 0; j < outLen; j++) {
        int src = (o * outLen + j) * ax.inner;
        for (int i = 0; i < ax.inner; i++) {
          int dst = ax.base(o, i) + (int) is.l.get(src + i) * ax.inner;
          if (f32) {
            os.f.put(dst, os.f.get(dst) + gs.f.get(src + i));
          } else {
            os.d.put(dst, os.d.get(dst) + gs.d.get(src + i));
          }
        }
      }
    }
    return gx;
  }

  // ------------------------------------------------------------------ var

  /**
   * Variance over {@code dims} (null: all), computed in two passes in double. {@code unbiased}
   * divides by {@code N - 1} (Bessel's correction), otherwise by {@code N}, where {@code N} is the
   * number of elements reduced. As PyTorch, a divisor of 0 (one element and {@code unbiased}, or no
   * element) gives NaN. The gradient is {@code 2 (x - mean) / divisor * g}.
   *
   * @throws IllegalArgumentException for non-floating tensors, or dims out of range or repeated
   */
  public static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
    Pointwise.requireFloat("var", x);
    long[] s = x.shape();
    int[] ds = Shape.dims("var", dims, s.length);
    long count = 1;
    for (int d : ds) {
      count *= s[d];
    }
    long[] keep = Shape.reduced(s, ds, true);
    int m = (int) Shape.numel(keep);
    int[] inStr = Shape.intStrides(s);
    int[] outStr = Shape.broadcastStrides(keep, s);
    Storage xs = x.storage();
    boolean f32 = x.dtype() == DType.FLOAT32;
    double[] mean = new double[m];
    Pointwise.forEachRun(
        s,
        inStr,
        outStr,
        (ao, ast, bo, bst, oo, n) -> {
          for (int k = 0; k < n; k++) {
            int p = ao + k * ast;
            mean[bo + k * bst] += f32 ? xs.f.get(p) : xs.d.get(p);
          }
        });
    for (int k = 0; k < m; k++) {
      mean[k] /= count;
    }
    double[] m2 = new double[m];
    Pointwise.forEachRun(
        s,
        inStr,
        outStr,
        (ao, ast, bo, bst, oo, n) -> {
          for (int k = 0; k < n; k++) {
            int p = ao + k * ast;
            int q = bo + k * bst;
            double e = (f32 ? xs.f.get(p) : xs.d.get(p)) - mean[q];
            m2[q] += e * e;
          }
        });
    double divisor = Math.max(count - (unbiased ? 1 : 0), 0);
    Tensor out = Tensor.empty(x.dtype(), Shape.reduced(s, ds, keepDim));
    Storage os = out.storage();
    for (int k = 0; k < m; k++) {
      os.setDouble(k, m2[k] / divisor);
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    double scale = 2.0 / divisor;
    return Engine.record(
        "var",
        out,
        new Tensor[] {x},
        (g, needs) -> {
          Tensor gx = Tensor.empty(x.dtype(), s);
          Storage gs = g.storage();
          Storage os2 = gx.storage();
          Pointwise.forEachRun(
              s,
              inStr,
              outStr,
              (ao, ast, bo, bst, oo, n) -> {
                for (int k = 0; k < n; k++) {
                  int p = ao + k * ast;
                  int q = bo + k * bst;
                  double e = (f32 ? xs.f.get(p) : xs.d.get(p)) - mean[q];
                  os2.setDouble(p, gs.getDouble(q) * scale * e);
                }
              });
          return new Tensor[] {gx};
        },
        x);
  }

  // ------------------------------------------------------------------ logSumExp

  /**
   * {@code log(sum(exp(x)))} over {@code dim}, shifted by the row's max so that logits of ±1e4 give
   * finite results. A row of all {@code -inf} (or an empty row) gives {@code -inf}; a row holding
   * {@code +inf} gives {@code +inf}; NaN propagates. The gradient is {@code g * softmax(x)}; for a
   * row of all {@code -inf} it is 0 (PyTorch gives NaN there), matching {@code softmax}'s choice.
   *
   * @throws IllegalArgumentException for non-floating tensors or a dim out of range
   */
  public static Tensor logSumExp(Tensor x, int dim, boolean keepDim) {
    Pointwise.requireFloat("logSumExp", x);
    long[] s = x.shape();
    int d = Shape.dim("logSumExp", dim, s.length);
    Axis ax = Axis.of(s, d);
    Tensor out = Tensor.empty(x.dtype(), reducedShape(s, d, keepDim));
    Storage xs = x.storage();
    Storage os = out.storage();
    boolean f32 = x.dtype() == DType.FLOAT32;
    double[] lse = new double[ax.outer * ax.inner];
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int base = ax.base(o, i);
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < ax.len; k++) {
          int p = base + k * ax.inner;
          double v = f32 ? xs.f.get(p) : xs.d.get(p);
          if (v > max || v != v) {
            max = v;
          }
        }
        // An infinite max is not subtracted (inf - inf would be NaN); the sum then yields ±inf.
        double shift = Double.isInfinite(max) ? 0.0 : max;
        double sum = 0;
        for (int k = 0; k < ax.len; k++) {
          int p = base + k * ax.inner;
          sum += Math.exp((f32 ? xs.f.get(p) : xs.d.get(p)) - shift);
        }
        double r = shift + Math.log(sum);
        int q = o * ax.inner + i;
        lse[q] = r;
        os.setDouble(q, r);
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "logSumExp",
        out,
        new Tensor[] {x},
        (g, needs) -> {
          Tensor gx = Tensor.empty(x.dtype(), s);
          Storage gs = g.storage();
          Storage xg = gx.storage();
          for (int o = 0; o < ax.outer; o++) {
            for (int i = 0; i < ax.inner; i++) {
              int base = ax.base(o, i);
              int q = o * ax.inner + i;
              double r = lse[q];
              double gv = gs.getDouble(q);
              for (int k = 0; k < ax.len; k++) {
                int p = base + k * ax.inner;
                double v = f32 ? xs.f.get(p) : xs.d.get(p);
                xg.setDouble(p, r == Double.NEGATIVE_INFINITY ? 0.0 : gv * Math.exp(v - r));
              }
            }
          }
          return new Tensor[] {gx};
        },
        x);
  }

  // ------------------------------------------------------------------ norm

  private enum NormKind {
    L0,
    L1,
    L2,
    MAX_ABS,
    MIN_ABS,
    GENERAL
  }

  /**
   * The {@code p}-norm over {@code dims} (null: all): {@code (sum |x|^p)^(1/p)}, with the usual
   * special cases {@code p = 2} (Euclidean), {@code p = 1}, {@code p = +inf} (max {@code |x|}),
   * {@code p = -inf} (min {@code |x|}) and {@code p = 0} (number of non-zero elements), as
   * PyTorch's {@code torch.norm}. Sums run in double. Gradients follow PyTorch: at a zero norm the
   * gradient is 0 (not NaN); for {@code p = ±inf} it is split evenly among the elements whose
   * {@code |x|} equals the norm; for {@code p = 0} it is 0.
   *
   * @throws IllegalArgumentException for non-floating tensors, a NaN {@code p}, or dims out of
   *     range or repeated
   */
  public static Tensor norm(Tensor x, double p, int[] dims, boolean keepDim) {
    Pointwise.requireFloat("norm", x);
    if (Double.isNaN(p)) {
      throw new IllegalArgumentException(
          "norm: p must be a number or ±infinity, got NaN (input shape " + shapeStr(x) + ")");
    }
    NormKind kind =
        p == 0
            ? NormKind.L0
            : p == 1
                ? NormKind.L1
                : p == 2
                    ? NormKind.L2
                    : p == Double.POSITIVE_INFINITY
                        ? NormKind.MAX_ABS
                        : p == Double.NEGATIVE_INFINITY ? NormKind.MIN_ABS : NormKind.GENERAL;
    long[] s = x.shape();
    int[] ds = Shape.dims("norm", dims, s.length);
    long[] keep = Shape.reduced(s, ds, true);
    int m = (int) Shape.numel(keep);
    int[] inStr = Shape.intStrides(s);
    int[] outStr = Shape.broadcastStrides(keep, s);
    Storage xs = x.storage();
    boolean f32 = x.dtype() == DType.FLOAT32;
    double[] acc = new double[m];
    if (kind == NormKind.MIN_ABS) {
      Arrays.fill(acc, Double.POSITIVE_INFINITY);
    }
    Pointwise.forEachRun(
        s,
        inStr,
        outStr,
        (ao, ast, bo, bst, oo, n) -> {
          switch (kind) {
            case L0 -> {
              for (int k = 0; k < n; k++) {
                int q = ao + k * ast;
                acc[bo + k * bst] += (f32 ? xs.f.get(q) : xs.d.get(q)) != 0 ? 1 : 0;
              }
            }
            case L1 -> {
              for (int k = 0; k < n; k++) {
                int q = ao + k * ast;
                acc[bo + k * bst] += Math.abs(f32 ? xs.f.get(q) : xs.d.get(q));
              }
            }
            case L2 -> {
              for (int k = 0; k < n; k++) {
                int q = ao + k * ast;
                double v = f32 ? xs.f.get(q) : xs.d.get(q);
                acc[bo + k * bst] += v * v;
              }
            }
            case MAX_ABS, MIN_ABS -> {
              boolean hi = kind == NormKind.MAX_ABS;
              for (int k = 0; k < n; k++) {
                int q = ao + k * ast;
                double v = Math.abs(f32 ? xs.f.get(q) : xs.d.get(q));
                int r = bo + k * bst;
                double a = acc[r];
                // A NaN once seen stays: comparisons with NaN are false, so it is never replaced.
                if (v != v || (hi ? v > a : v < a)) {
                  acc[r] = v;
                }
              }
            }
            case GENERAL -> {
              for (int k = 0; k < n; k++) {
                int q = ao + k * ast;
                acc[bo + k * bst] += Math.pow(Math.abs(f32 ? xs.f.get(q) : xs.d.get(q)), p);
              }
            }
          }
        });
    for (int k = 0; k < m; k++) {
      if (kind == NormKind.L2) {
        acc[k] = Math.sqrt(acc[k]);
      } else if (kind == NormKind.GENERAL) {
        acc[k] = Math.pow(acc[k], 1.0 / p);
      }
    }
    Tensor out = Tensor.empty(x.dtype(), Shape.reduced(s, ds, keepDim));
    Storage os = out.storage();
    for (int k = 0; k < m; k++) {
      os.setDouble(k, acc[k]);
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "norm",
        out,
        new Tensor[] {x},
        (g, needs) -> new Tensor[] {normBackward(x, g, acc, kind, p, s, inStr, outStr)},
        x);
  }

  private static Tensor normBackward(
      Tensor x,
      Tensor g,
      double[] norms,
      NormKind kind,
      double p,
      long[] s,
      int[] inStr,
      int[] outStr) {
    Tensor gx = Tensor.zeros(x.dtype(), s);
    if (kind == NormKind.L0) {
      return gx;
    }
    Storage xs = x.storage();
    Storage gs = g.storage();
    Storage os = gx.storage();
    boolean f32 = x.dtype() == DType.FLOAT32;
    double[] ties = null;
    if (kind == NormKind.MAX_ABS || kind == NormKind.MIN_ABS) {
      double[] t = new double[norms.length];
      Pointwise.forEachRun(
          s,
          inStr,
          outStr,
          (ao, ast, bo, bst, oo, n) -> {
            for (int k = 0; k < n; k++) {
              int q = ao + k * ast;
              double a = Math.abs(f32 ? xs.f.get(q) : xs.d.get(q));
              if (a == norms[bo + k * bst] || a != a) {
                t[bo + k * bst]++;
              }
            }
          });
      ties = t;
    }
    double[] tieCount = ties;
    Pointwise.forEachRun(
        s,
        inStr,
        outStr,
        (ao, ast, bo, bst, oo, n) -> {
          for (int k = 0; k < n; k++) {
            int q = ao + k * ast;
            int r = bo + k * bst;
            double v = f32 ? xs.f.get(q) : xs.d.get(q);
            double nr = norms[r];
            double gv = gs.getDouble(r);
            double d =
                switch (kind) {
                  case L1 -> Math.signum(v) * gv;
                  case L2 -> nr == 0 ? 0.0 : v / nr * gv;
                  case MAX_ABS, MIN_ABS -> {
                    double a = Math.abs(v);
                    yield a == nr || a != a ? Math.signum(v) * gv / tieCount[r] : 0.0;
                  }
                  default ->
                      // d/dx (sum |x|^p)^(1/p) = sgn(x) |x|^(p-1) / norm^(p-1); zero where x or the
                      // norm is 0 (PyTorch's masking, which also avoids 0 * inf for p < 1).
                      v == 0 || nr == 0
                          ? 0.0
                          : Math.signum(v) * Math.pow(Math.abs(v) / nr, p - 1) * gv;
                };
            os.setDouble(q, d);
          }
        });
    return gx;
  }

  // ------------------------------------------------------------------ cumsum

  /**
   * Cumulative sum along {@code dim}: {@code out[..., j, ...] = sum_{k <= j} x[..., k, ...]}, same
   * shape as {@code x}. Floating types keep their type (accumulated in double); integer and BOOL
   * inputs give INT64, as PyTorch. The gradient is the reversed cumulative sum of {@code g}.
   *
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static Tensor cumsum(Tensor x, int dim) {
    long[] s = x.shape();
    int d = Shape.dim("cumsum", dim, s.length);
    Axis ax = Axis.of(s, d);
    DType outType = x.dtype().isFloatingPoint() ? x.dtype() : DType.INT64;
    Tensor out = Tensor.empty(outType, s);
    cumsumKernel(x.storage(), out.storage(), ax, false);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "cumsum",
        out,
        new Tensor[] {x},
        (g, needs) -> {
          Tensor gx = Tensor.empty(g.dtype(), s);
          cumsumKernel(g.storage(), gx.storage(), ax, true);
          return new Tensor[] {gx};
        });
  }

  /** Running sums along the axis, front to back or (reverse) back to front. */
  private static void cumsumKernel(Storage in, Storage out, Axis ax, boolean reverse) {
    boolean fl = in.dtype.isFloatingPoint();
    boolean f32 = in.dtype == DType.FLOAT32;
    int st = reverse ? -ax.inner : ax.inner;
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int p = ax.base(o, i) + (reverse ? (ax.len - 1) * ax.inner : 0);
        if (f32) {
          double acc = 0;
          for (int k = 0; k < ax.len; k++, p += st) {
            acc += in.f.get(p);
            out.f.put(p, (float) acc);
          }
        } else if (fl) {
          double acc = 0;
          for (int k = 0; k < ax.len; k++, p += st) {
            acc += in.d.get(p);
            out.d.put(p, acc);
          }
        } else {
          long acc = 0;
          for (int k = 0; k < ax.len; k++, p += st) {
            acc += in.getLong(p);
            out.l.put(p, acc);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ sort / topk

  /**
   * One row's keys, compared as PyTorch orders them: NaN above every number, {@code -0.0} equal to
   * {@code 0.0}, and equal keys ordered by position — a strict total order, so every sort built on
   * it is stable.
   */
  private static final class RowKeys {
    final double[] dk;
    final long[] lk;
    final boolean descending;

    RowKeys(Storage s, int len, boolean descending) {
      this.descending = descending;
      // INT64 keeps long keys: doubles cannot represent every long exactly.
      this.lk = s.dtype == DType.INT64 ? new long[len] : null;
      this.dk = lk == null ? new double[len] : null;
    }

    void load(Storage s, int base, int st, int len) {
      switch (s.dtype) {
        case FLOAT32 -> {
          for (int k = 0; k < len; k++) {
            dk[k] = s.f.get(base + k * st);
          }
        }
        case FLOAT64 -> {
          for (int k = 0; k < len; k++) {
            dk[k] = s.d.get(base + k * st);
          }
        }
        case INT64 -> {
          for (int k = 0; k < len; k++) {
            lk[k] = s.l.get(base + k * st);
          }
        }
        default -> {
          for (int k = 0; k < len; k++) {
            dk[k] = s.getDouble(base + k * st);
          }
        }
      }
    }

    /** True if position {@code a} comes before position {@code b} in the output. */
    boolean before(int a, int b) {
      int c;
      if (lk != null) {
        c = Long.compare(lk[a], lk[b]);
      } else {
        double x = dk[a];
        double y = dk[b];
        if (x < y) {
          c = -1;
        } else if (x > y) {
          c = 1;
        } else {
          boolean nx = x != x;
          boolean ny = y != y;
          c = nx == ny ? 0 : nx ? 1 : -1;
        }
      }
      if (c != 0) {
        return descending ? c > 0 : c < 0;
      }
      return a < b;
    }

    /** Sorts {@code idx[0..n)} by {@link #before}; {@code tmp} is scratch of the same length. */
    void sort(int[] idx, int[] tmp, int n) {
      mergeSort(idx, tmp, 0, n);
    }

    private void mergeSort(int[] a, int[] tmp, int lo, int hi) {
      if (hi - lo <= 16) {
        for (int k = lo + 1; k < hi; k++) {
          int v = a[k];
          int j = k - 1;
          while (j >= lo && before(v, a[j])) {
            a[j + 1] = a[j];
            j--;
          }
          a[j + 1] = v;
        }
        return;
      }
      int mid = (lo + hi) >>> 1;
      mergeSort(a, tmp, lo, mid);
      mergeSort(a, tmp, mid, hi);
      if (!before(a[mid], a[mid - 1])) {
        return;
      }
      System.arraycopy(a, lo, tmp, lo, hi - lo);
      int i = lo;
      int j = mid;
      for (int k = lo; k < hi; k++) {
        if (j >= hi || (i < mid && !before(tmp[j], tmp[i]))) {
          a[k] = tmp[i++];
        } else {
          a[k] = tmp[j++];
        }
      }
    }

    /**
     * The first {@code k} positions of {@code [0, n)} in {@link #before} order, into {@code
     * out[0..k)}; a bounded heap, so {@code O(n log k)}.
     */
    void select(int n, int k, int[] out, int[] tmp) {
      if (k == 0) {
        return;
      }
      // Max-heap on the order: the root is the worst position kept so far.
      int size = 0;
      for (int c = 0; c < n; c++) {
        if (size < k) {
          int j = size++;
          out[j] = c;
          while (j > 0) {
            int parent = (j - 1) >>> 1;
            if (!before(out[parent], out[j])) {
              break;
            }
            int t = out[parent];
            out[parent] = out[j];
            out[j] = t;
            j = parent;
          }
        } else if (before(c, out[0])) {
          out[0] = c;
          int j = 0;
          while (true) {
            int l = 2 * j + 1;
            if (l >= size) {
              break;
            }
            int w = l + 1 < size && before(out[l], out[l + 1]) ? l + 1 : l;
            if (!before(out[j], out[w])) {
              break;
            }
            int t = out[w];
            out[w] = out[j];
            out[j] = t;
            j = w;
          }
        }
      }
      sort(out, tmp, k);
    }
  }

  /**
   * Sorts along {@code dim} (ascending unless {@code descending}), stably: equal values keep their
   * original order. Returns the sorted values and the INT64 permutation, both of {@code x}'s shape.
   * NaN sorts above every number (last ascending, first descending), as PyTorch. The gradient is
   * scattered back through the permutation.
   *
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static ValuesIndices sort(Tensor x, int dim, boolean descending) {
    long[] s = x.shape();
    int d = Shape.dim("sort", dim, s.length);
    Axis ax = Axis.of(s, d);
    return pick("sort", x, s, d, ax, ax.len, descending, true);
  }

  /**
   * The {@code k} largest (or, with {@code !largest}, smallest) elements along {@code dim} and
   * their INT64 positions, shape {@code x.shape} with {@code dim} of size {@code k}. Equal values
   * prefer the lower position; NaN counts as larger than every number. The result is always in
   * sorted order (best first); PyTorch leaves the order unspecified when {@code sorted} is false,
   * so this satisfies both. The gradient is scattered back to the picked positions.
   *
   * @throws IllegalArgumentException if {@code k < 0}, {@code k} exceeds the size of {@code dim},
   *     or {@code dim} is out of range
   */
  public static ValuesIndices topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
    long[] s = x.shape();
    int d = Shape.dim("topk", dim, s.length);
    Axis ax = Axis.of(s, d);
    if (k < 0 || k > ax.len || (s.length == 0 && k == 0)) {
      throw new IllegalArgumentException(
          "topk: k = "
              + k
              + " is out of range for dim "
              + dim
              + " of size "
              + ax.len
              + " (input shape "
              + Arrays.toString(s)
              + "; expected 0 <= k <= "
              + ax.len
              + ")");
    }
    return pick("topk", x, s, d, ax, k, largest, false);
  }

  /** The first {@code k} positions of each row in sort order, gathered into values and indices. */
  private static ValuesIndices pick(
      String op, Tensor x, long[] s, int d, Axis ax, int k, boolean descending, boolean fullSort) {
    long[] outShape = s.clone();
    if (s.length > 0) {
      outShape[d] = k;
    }
    Tensor values = Tensor.empty(x.dtype(), outShape);
    Tensor indices = Tensor.empty(DType.INT64, outShape);
    Storage xs = x.storage();
    Storage vs = values.storage();
    Storage is = indices.storage();
    RowKeys keys = new RowKeys(xs, ax.len, descending);
    int[] idx = new int[ax.len];
    int[] tmp = new int[ax.len];
    // A bounded heap wins when few of many are wanted (top-k sampling over a vocabulary).
    boolean heap = !fullSort && (long) k * 8 < ax.len;
    for (int o = 0; o < ax.outer; o++) {
      for (int i = 0; i < ax.inner; i++) {
        int base = ax.base(o, i);
        keys.load(xs, base, ax.inner, ax.len);
        if (heap) {
          keys.select(ax.len, k, idx, tmp);
        } else {
          for (int j = 0; j < ax.len; j++) {
            idx[j] = j;
          }
          keys.sort(idx, tmp, ax.len);
        }
        int outBase = o * k * ax.inner + i;
        for (int j = 0; j < k; j++) {
          int q = outBase + j * ax.inner;
          copyElement(xs, base + idx[j] * ax.inner, vs, q);
          is.l.put(q, idx[j]);
        }
      }
    }
    if (Engine.needsRecord(x)) {
      Engine.record(
          op,
          values,
          new Tensor[] {x},
          (g, needs) -> new Tensor[] {scatterAlong(g, indices, s, d)},
          indices);
    }
    return new ValuesIndices(values, indices);
  }

  static String shapeStr(Tensor t) {
    return Arrays.toString(t.shape());
  }
}
