package dev.residual.tensor.internal;

import java.util.Arrays;

/** Shape arithmetic shared by the kernels: sizes, strides, dim normalisation, broadcasting. */
public final class Shape {
  private Shape() {}

  /** Number of elements of {@code shape} (1 for a 0-d shape). */
  public static long numel(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  /**
   * Checks that no size is negative and the element count fits a tensor.
   *
   * @throws IllegalArgumentException naming {@code op} otherwise
   */
  public static void check(String op, long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException(
            op + ": negative size in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, s);
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          op
              + ": shape "
              + Arrays.toString(shape)
              + " has "
              + n
              + " elements, more than "
              + Integer.MAX_VALUE);
    }
  }

  /** C-order strides (in elements) of {@code shape}. */
  public static long[] stridesOf(long[] shape) {
    long[] st = new long[shape.length];
    long s = 1;
    for (int k = shape.length - 1; k >= 0; k--) {
      st[k] = s;
      s *= shape[k];
    }
    return st;
  }

  /** C-order strides as ints. */
  public static int[] intStrides(long[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int k = shape.length - 1; k >= 0; k--) {
      st[k] = s;
      s *= (int) shape[k];
    }
    return st;
  }

  /**
   * Normalises a possibly negative dim against {@code rank}.
   *
   * @throws IllegalArgumentException naming {@code op} if out of range
   */
  public static int dim(String op, int dim, int rank) {
    // A 0-d tensor accepts dims 0 and -1, as in PyTorch.
    int d = dim < 0 ? dim + Math.max(rank, 1) : dim;
    if (d < 0 || d >= Math.max(rank, 1) || (rank == 0 && d != 0)) {
      throw new IllegalArgumentException(
          op
              + ": dim "
              + dim
              + " out of range for a tensor with "
              + rank
              + " dims (expected in ["
              + (-Math.max(rank, 1))
              + ", "
              + (Math.max(rank, 1) - 1)
              + "])");
    }
    return d;
  }

  /** Normalised, sorted, duplicate-checked dims; null means all dims. */
  public static int[] dims(String op, int[] dims, int rank) {
    if (dims == null) {
      int[] all = new int[rank];
      for (int k = 0; k < rank; k++) {
        all[k] = k;
      }
      return all;
    }
    int[] out = new int[dims.length];
    for (int k = 0; k < dims.length; k++) {
      out[k] = dim(op, dims[k], rank);
    }
    Arrays.sort(out);
    for (int k = 1; k < out.length; k++) {
      if (out[k] == out[k - 1]) {
        throw new IllegalArgumentException(
            op + ": dim " + out[k] + " appears more than once in " + Arrays.toString(dims));
      }
    }
    return out;
  }

  /** Flat C-order offset of a multi-index (negative indices count from the end). */
  public static int flatIndex(String op, long[] shape, long[] index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          op
              + ": index "
              + Arrays.toString(index)
              + " has "
              + index.length
              + " components for shape "
              + Arrays.toString(shape));
    }
    long off = 0;
    for (int k = 0; k < shape.length; k++) {
      long i = index[k] < 0 ? index[k] + shape[k] : index[k];
      if (i < 0 || i >= shape[k]) {
        throw new IllegalArgumentException(
            op
                + ": index "
                + index[k]
                + " out of range for dim "
                + k
                + " of size "
                + shape[k]
                + " (shape "
                + Arrays.toString(shape)
                + ")");
      }
      off = off * shape[k] + i;
    }
    return (int) off;
  }

  /**
   * The broadcast shape of {@code a} and {@code b} (NumPy rules).
   *
   * @throws IllegalArgumentException naming {@code op} and both shapes if they do not broadcast
   */
  public static long[] broadcast(String op, long[] a, long[] b) {
    int n = Math.max(a.length, b.length);
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      long sa = k - (n - a.length) >= 0 ? a[k - (n - a.length)] : 1;
      long sb = k - (n - b.length) >= 0 ? b[k - (n - b.length)] : 1;
      if (sa != sb && sa != 1 && sb != 1) {
        throw new IllegalArgumentException(
            op
                + ": shapes "
                + Arrays.toString(a)
                + " and "
                + Arrays.toString(b)
                + " cannot be broadcast (dim "
                + k
                + ": "
                + sa
                + " vs "
                + sb
                + ")");
      }
      out[k] = sa == 1 ? sb : sa;
    }
    return out;
  }

  /**
   * Strides for reading a tensor of shape {@code in} as if broadcast to {@code out}: 0 along
   * broadcast dims, C-order strides elsewhere; length {@code out.length}.
   */
  public static int[] broadcastStrides(long[] in, long[] out) {
    int[] st = new int[out.length];
    int[] own = intStrides(in);
    int off = out.length - in.length;
    for (int k = 0; k < in.length; k++) {
      st[k + off] = in[k] == 1 && out[k + off] != 1 ? 0 : own[k];
    }
    return st;
  }

  /** A shape with {@code dims} set to 1 (keepDim) or removed. */
  public static long[] reduced(long[] shape, int[] dims, boolean keepDim) {
    boolean[] red = new boolean[shape.length];
    for (int d : dims) {
      red[d] = true;
    }
    long[] out = new long[keepDim ? shape.length : shape.length - dims.length];
    int j = 0;
    for (int k = 0; k < shape.length; k++) {
      if (!red[k]) {
        out[j++] = shape[k];
      } else if (keepDim) {
        out[j++] = 1;
      }
    }
    return out;
  }

  /** String form {@code [2, 3]}. */
  public static String str(long[] shape) {
    return Arrays.toString(shape);
  }
}
