package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders a tensor for {@link Tensor#toString()}, after PyTorch's {@code repr}: a header line with
 * shape, type and grad info, then the values in nested brackets.
 *
 * <pre>
 * Tensor(shape=[2, 3], dtype=FLOAT32, gradFn=add)
 * [[ 0.1000,  2.0000, -3.5000],
 *  [ 1.0000,  0.0000,  4.0000]]
 * </pre>
 *
 * <p>As PyTorch (threshold 1000, edge items 3, line width 80, precision 4): a tensor of more than
 * 1000 elements is summarised, each dim longer than 6 showing its first 3 and last 3 entries around
 * {@code ...}; smaller tensors are shown whole. Floats use 4 decimals, or scientific notation
 * ({@code 1.0000e-05}) when the non-zero magnitudes span more than a factor 1000, exceed {@code
 * 1e8} or fall below {@code 1e-4}; integer-valued floats print as {@code 1.}. Every element of a
 * tensor is right-aligned to one width (PyTorch leaves {@code nan}/{@code inf} out of the width;
 * here they count). Rounding is exact (half-even on the binary value), like Python's. Booleans
 * print as {@code true}/{@code false}; 0-d tensors show their single value.
 */
public final class TensorFormat {
  private TensorFormat() {}

  /** Tensors with more elements than this are summarised. */
  static final int THRESHOLD = 1000;

  /** Entries shown at each end of a summarised dim. */
  static final int EDGE_ITEMS = 3;

  /** Characters per line before a row of values wraps. */
  static final int LINE_WIDTH = 80;

  /** Digits after the decimal point. */
  static final int PRECISION = 4;

  /** The string form of {@code t}: header line, newline, values. */
  public static String format(Tensor t) {
    StringBuilder sb = new StringBuilder("Tensor(shape=").append(Arrays.toString(t.shape()));
    sb.append(", dtype=").append(t.dtype());
    if (t.gradFnName() != null) {
      sb.append(", gradFn=").append(t.gradFnName());
    } else if (t.requiresGrad()) {
      sb.append(", requiresGrad=true");
    }
    sb.append(")\n");
    return sb.append(values(t)).toString();
  }

  /** The values part of {@link #format}: nested brackets, or the bare value of a 0-d tensor. */
  static String values(Tensor t) {
    if (t.numel() == 0) {
      return "[]";
    }
    long[] s = t.shape();
    boolean summarize = t.numel() > THRESHOLD;
    int[][] shown = new int[s.length][];
    for (int k = 0; k < s.length; k++) {
      shown[k] = shownIndices((int) s[k], summarize);
    }
    int[] strides = Shape.intStrides(s);
    List<Integer> offsets = new ArrayList<>();
    collect(shown, strides, 0, 0, offsets);
    ElementFormat fmt = new ElementFormat(t.storage(), offsets);
    if (s.length == 0) {
      return fmt.format(0).strip();
    }
    StringBuilder sb = new StringBuilder();
    render(sb, fmt, shown, strides, 0, 0, 0);
    return sb.toString();
  }

  /** Positions shown along a dim of length {@code n}; -1 marks the {@code ...}. */
  private static int[] shownIndices(int n, boolean summarize) {
    if (!summarize || n <= 2 * EDGE_ITEMS) {
      int[] all = new int[n];
      for (int k = 0; k < n; k++) {
        all[k] = k;
      }
      return all;
    }
    int[] out = new int[2 * EDGE_ITEMS + 1];
    for (int k = 0; k < EDGE_ITEMS; k++) {
      out[k] = k;
      out[EDGE_ITEMS + 1 + k] = n - EDGE_ITEMS + k;
    }
    out[EDGE_ITEMS] = -1;
    return out;
  }

  private static void collect(
      int[][] shown, int[] strides, int dim, int offset, List<Integer> out) {
    if (dim == shown.length) {
      out.add(offset);
      return;
    }
    for (int i : shown[dim]) {
      if (i >= 0) {
        collect(shown, strides, dim + 1, offset + i * strides[dim], out);
      }
    }
  }

  private static void render(
      StringBuilder sb,
      ElementFormat fmt,
      int[][] shown,
      int[] strides,
      int dim,
      int offset,
      int indent) {
    int rank = shown.length;
    if (dim == rank - 1) {
      List<String> items = new ArrayList<>();
      for (int i : shown[dim]) {
        items.add(i < 0 ? " ..." : fmt.format(offset + i * strides[dim]));
      }
      int perLine = Math.max(1, (LINE_WIDTH - indent) / (fmt.width + 2));
      sb.append('[');
      for (int k = 0; k < items.size(); k++) {
        if (k > 0) {
          sb.append(',');
          if (k % perLine == 0) {
            sb.append('\n').append(" ".repeat(indent + 1));
          } else {
            sb.append(' ');
          }
        }
        sb.append(items.get(k));
      }
      sb.append(']');
      return;
    }
    // Slices of a k-dim block are separated by k-1 newlines, so 3-D blocks get a blank line.
    String sep = "," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1);
    sb.append('[');
    boolean first = true;
    for (int i : shown[dim]) {
      if (!first) {
        sb.append(sep);
      }
      first = false;
      if (i < 0) {
        sb.append("...");
      } else {
        render(sb, fmt, shown, strides, dim + 1, offset + i * strides[dim], indent + 1);
      }
    }
    sb.append(']');
  }

  /** Formats the elements of one tensor to a common style and width. */
  private static final class ElementFormat {
    private final Storage st;
    private final boolean floating;
    private boolean intMode = true;
    private boolean sciMode;
    int width = 1;

    ElementFormat(Storage st, List<Integer> offsets) {
      this.st = st;
      this.floating = st.dtype.isFloatingPoint();
      if (floating) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        boolean any = false;
        for (int off : offsets) {
          double v = st.getDouble(off);
          if (v != 0 && Double.isFinite(v)) {
            any = true;
            double a = Math.abs(v);
            min = Math.min(min, a);
            max = Math.max(max, a);
            if (v != Math.ceil(v)) {
              intMode = false;
            }
          }
        }
        if (any) {
          sciMode = max / min > 1000.0 || max > 1.0e8 || (!intMode && min < 1.0e-4);
        }
      }
      for (int off : offsets) {
        width = Math.max(width, raw(off).length());
      }
    }

    String format(int off) {
      String r = raw(off);
      return r.length() >= width ? r : " ".repeat(width - r.length()) + r;
    }

    private String raw(int off) {
      if (st.dtype == DType.BOOL) {
        return st.b.get(off) != 0 ? "true" : "false";
      }
      if (!floating) {
        return Long.toString(st.getLong(off));
      }
      double v = st.getDouble(off);
      if (Double.isNaN(v)) {
        return "nan";
      }
      if (Double.isInfinite(v)) {
        return v > 0 ? "inf" : "-inf";
      }
      if (sciMode) {
        return scientific(v);
      }
      return intMode ? fixed(v, 0) + "." : fixed(v, PRECISION);
    }
  }

  /** {@code v} with {@code digits} decimals, rounded half-even on its exact binary value. */
  static String fixed(double v, int digits) {
    BigDecimal r = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN);
    String s = r.toPlainString();
    // BigDecimal has no negative zero; Python keeps the sign of -0.0 and of values rounding to 0.
    return r.signum() == 0 && (v < 0 || 1.0 / v < 0) ? "-" + s : s;
  }

  /** {@code v} as {@code d.dddde±XX} with {@link #PRECISION} decimals, as Python's {@code .4e}. */
  static String scientific(double v) {
    if (v == 0) {
      return (1.0 / v < 0 ? "-" : "") + "0." + "0".repeat(PRECISION) + "e+00";
    }
    BigDecimal r = new BigDecimal(v).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
    int exp = r.precision() - r.scale() - 1;
    String mant =
        r.movePointLeft(exp).setScale(PRECISION, RoundingMode.UNNECESSARY).toPlainString();
    int a = Math.abs(exp);
    return mant + "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
  }
}
