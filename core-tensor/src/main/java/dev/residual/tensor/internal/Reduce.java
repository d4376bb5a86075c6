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

  private static UnsupportedOperationException todo(String op) {
    return new UnsupportedOperationException(op + ": not implemented yet");
  }

  /** Max (or min) of all elements; the gradient is split evenly among ties. */
  public static Tensor maxAll(Tensor x, boolean max) {
    throw todo(max ? "max" : "min");
  }

  /** Max (or min) along {@code dim}: values and INT64 indices (first occurrence on ties). */
  public static ValuesIndices maxDim(Tensor x, int dim, boolean keepDim, boolean max) {
    throw todo(max ? "max" : "min");
  }

  /** Flat index of the max (or min) element, INT64 0-d. */
  public static Tensor argAll(Tensor x, boolean max) {
    throw todo(max ? "argmax" : "argmin");
  }

  /** Variance over {@code dims} (null: all). */
  public static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
    throw todo("var");
  }

  /** Stable log-sum-exp over {@code dim}. */
  public static Tensor logSumExp(Tensor x, int dim, boolean keepDim) {
    throw todo("logSumExp");
  }

  /** p-norm over {@code dims} (null: all). */
  public static Tensor norm(Tensor x, double p, int[] dims, boolean keepDim) {
    throw todo("norm");
  }

  /** Cumulative sum along {@code dim}. */
  public static Tensor cumsum(Tensor x, int dim) {
    throw todo("cumsum");
  }

  /** Stable sort along {@code dim}. */
  public static ValuesIndices sort(Tensor x, int dim, boolean descending) {
    throw todo("sort");
  }

  /** Top-k along {@code dim}. */
  public static ValuesIndices topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
    throw todo("topk");
  }

  static String shapeStr(Tensor t) {
    return Arrays.toString(t.shape());
  }
}
