package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * Indexing ops: gather, indexSelect, embedding lookup, scatterAdd and oneHot, each with its
 * backward (scatter-add, so repeated indices accumulate).
 *
 * <p>Index values are read and range-checked once in the forward pass and turned into flat offsets;
 * the backward closures keep those offsets (not the index tensor), so they need nothing saved and
 * are immune to later in-place changes of the index.
 */
public final class Index {
  private Index() {}

  /** Blocks shorter than this are copied with a loop; longer ones with one native memcpy. */
  private static final int MEMCPY_MIN = 32;

  // ------------------------------------------------------------------ gather / scatterAdd

  /**
   * PyTorch's {@code gather}: {@code out[i][j][k] = x[index[i][j][k]][j][k]} for {@code dim = 0}
   * (and likewise for other dims). {@code index} (INT64 or INT32) has as many dims as {@code x} and
   * is no larger than {@code x} along every dim except {@code dim}; the output has {@code index}'s
   * shape and {@code x}'s type. The gradient scatter-adds {@code g} back into a zero tensor of
   * {@code x}'s shape, so repeated indices accumulate.
   *
   * @throws IllegalArgumentException if {@code index} is not an integer tensor, the ranks differ,
   *     {@code index} is larger than {@code x} along a dim other than {@code dim}, or an index
   *     value is outside {@code [0, x.size(dim))} (the message names the value and its position)
   */
  public static Tensor gather(Tensor x, int dim, Tensor index) {
    requireIndex("gather", index, x);
    long[] s = x.shape();
    long[] is = index.shape();
    int d = Shape.dim("gather", dim, s.length);
    if (is.length != s.length) {
      throw new IllegalArgumentException(
          "gather: index shape "
              + Arrays.toString(is)
              + " must have as many dims as input shape "
              + Arrays.toString(s)
              + " ("
              + is.length
              + " vs "
              + s.length
              + ")");
    }
    for (int k = 0; k < s.length; k++) {
      if (k != d && is[k] > s[k]) {
        throw new IllegalArgumentException(
            "gather: index shape "
                + Arrays.toString(is)
                + " is larger than input shape "
                + Arrays.toString(s)
                + " at dim "
                + k
                + " ("
                + is[k]
                + " > "
                + s[k]
                + "); only dim "
                + d
                + " may be larger");
      }
    }
    int[] off = offsets("gather", index, s, d, true, "input");
    Tensor out = Tensor.empty(x.dtype(), is);
    Storage xs = x.storage();
    Storage os = out.storage();
    int n = off.length;
    switch (x.dtype()) {
      case FLOAT32 -> {
        for (int p = 0; p < n; p++) {
          os.f.put(p, xs.f.get(off[p]));
        }
      }
      case FLOAT64 -> {
        for (int p = 0; p < n; p++) {
          os.d.put(p, xs.d.get(off[p]));
        }
      }
      default -> {
        for (int p = 0; p < n; p++) {
          Reduce.copyElement(xs, off[p], os, p);
        }
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "gather",
        out,
        new Tensor[] {x},
        (g, needs) -> {
          Tensor gx = Tensor.zeros(g.dtype(), s);
          scatterAddKernel(g.storage(), null, gx.storage(), off);
          return new Tensor[] {gx};
        });
  }

  /**
   * Out-of-place {@code scatter_add}: a copy of {@code x} where, for {@code dim = 0}, {@code
   * src[i][j]} is added at {@code [index[i][j]][j]} (likewise for other dims); repeated indices
   * accumulate. As PyTorch, {@code x}, {@code index} and {@code src} have the same number of dims,
   * {@code index} is no larger than {@code src} along any dim and no larger than {@code x} along
   * dims other than {@code dim}; {@code x} and {@code src} have the same type. Gradients: {@code g}
   * for {@code x}, {@code gather(g, dim, index)} (zero elsewhere) for {@code src}; {@code index} is
   * not differentiable.
   *
   * @throws IllegalArgumentException for a non-integer index, different types of {@code x} and
   *     {@code src}, mismatched ranks or sizes, or an index value outside {@code [0, x.size(dim))}
   */
  public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
    requireIndex("scatterAdd", index, x);
    long[] s = x.shape();
    long[] is = index.shape();
    long[] ss = src.shape();
    int d = Shape.dim("scatterAdd", dim, s.length);
    String shapes =
        " (input shape "
            + Arrays.toString(s)
            + ", index shape "
            + Arrays.toString(is)
            + ", src shape "
            + Arrays.toString(ss)
            + ")";
    if (x.dtype() != src.dtype()) {
      throw new IllegalArgumentException(
          "scatterAdd: input and src must have the same type, got "
              + x.dtype()
              + " and "
              + src.dtype()
              + shapes);
    }
    if (is.length != s.length || ss.length != s.length) {
      throw new IllegalArgumentException(
          "scatterAdd: input, index and src must have the same number of dims" + shapes);
    }
    for (int k = 0; k < s.length; k++) {
      if (is[k] > ss[k] || (k != d && is[k] > s[k])) {
        throw new IllegalArgumentException(
            "scatterAdd: index is larger than "
                + (is[k] > ss[k] ? "src" : "input")
                + " at dim "
                + k
                + shapes
                + "; index may exceed only the input, and only at dim "
                + d);
      }
    }
    int[] xo = offsets("scatterAdd", index, s, d, true, "input");
    int[] so = offsets("scatterAdd", index, ss, d, false, "src");
    Tensor out = Tensor.empty(x.dtype(), s);
    out.storage().copyFrom(x.storage(), 0, 0, (int) x.numel());
    scatterAddKernel(src.storage(), so, out.storage(), xo);
    if (!Engine.needsRecord(x, src)) {
      return out;
    }
    return Engine.record(
        "scatterAdd",
        out,
        new Tensor[] {x, src},
        (g, needs) -> {
          Tensor gx = needs[0] ? g : null;
          Tensor gs = null;
          if (needs[1]) {
            gs = Tensor.zeros(g.dtype(), ss);
            Storage from = g.storage();
            Storage to = gs.storage();
            for (int p = 0; p < xo.length; p++) {
              to.setDouble(so[p], from.getDouble(xo[p]));
            }
          }
          return new Tensor[] {gx, gs};
        });
  }

  /** {@code dst[dstOff[p]] += src[srcOff == null ? p : srcOff[p]]} for every p; same type. */
  private static void scatterAddKernel(Storage src, int[] srcOff, Storage dst, int[] dstOff) {
    int n = dstOff.length;
    switch (dst.dtype) {
      case FLOAT32 -> {
        for (int p = 0; p < n; p++) {
          int q = dstOff[p];
          dst.f.put(q, dst.f.get(q) + src.f.get(srcOff == null ? p : srcOff[p]));
        }
      }
      case FLOAT64 -> {
        for (int p = 0; p < n; p++) {
          int q = dstOff[p];
          dst.d.put(q, dst.d.get(q) + src.d.get(srcOff == null ? p : srcOff[p]));
        }
      }
      default -> {
        for (int p = 0; p < n; p++) {
          int q = dstOff[p];
          dst.setLong(q, dst.getLong(q) + src.getLong(srcOff == null ? p : srcOff[p]));
        }
      }
    }
  }

  /**
   * For each element {@code p} of {@code index} (C order), the flat offset in a tensor of shape
   * {@code ts} of the element at {@code p}'s coordinates — with coordinate {@code d} replaced by
   * {@code index[p]} when {@code replace} (checked against {@code [0, ts[d])}), kept otherwise.
   */
  private static int[] offsets(
      String op, Tensor index, long[] ts, int d, boolean replace, String what) {
    long[] is = index.shape();
    int r = is.length;
    int n = (int) index.numel();
    int[] st = Shape.intStrides(ts);
    long size = r == 0 ? 1 : ts[d];
    int dStride = r == 0 ? 1 : st[d];
    int[] out = new int[n];
    Storage ix = index.storage();
    int[] pos = new int[r];
    int base = 0;
    for (int p = 0; p < n; p++) {
      if (replace) {
        long v = ix.getLong(p);
        if (v < 0 || v >= size) {
          throw new IllegalArgumentException(
              op
                  + ": index value "
                  + v
                  + " at position "
                  + Arrays.toString(pos)
                  + " is out of range [0, "
                  + size
                  + ") for dim "
                  + d
                  + " of "
                  + what
                  + " shape "
                  + Arrays.toString(ts)
                  + " (index shape "
                  + Arrays.toString(is)
                  + ")");
        }
        out[p] = base + (int) v * dStride;
      } else {
        out[p] = base;
      }
      for (int k = r - 1; k >= 0; k--) {
        boolean moves = !(replace && k == d);
        pos[k]++;
        if (moves) {
          base += st[k];
        }
        if (pos[k] < is[k]) {
          break;
        }
        if (moves) {
          base -= st[k] * (int) is[k];
        }
        pos[k] = 0;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ indexSelect

  /**
   * The slices of {@code x} along {@code dim} at the positions in the 1-D integer {@code index}
   * (repeats allowed): shape {@code x.shape} with {@code dim} of size {@code index.numel()}. The
   * gradient adds each output slice back at its source position ({@code index_add}), so repeated
   * positions accumulate.
   *
   * @throws IllegalArgumentException if {@code index} is not a 1-D INT64/INT32 tensor (0-d counts
   *     as one element) or holds a value outside {@code [0, x.size(dim))}
   */
  public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
    requireIndex("indexSelect", index, x);
    long[] s = x.shape();
    if (index.dim() > 1) {
      throw new IllegalArgumentException(
          "indexSelect: index must be 1-D, got shape "
              + Arrays.toString(index.shape())
              + " (input shape "
              + Arrays.toString(s)
              + ")");
    }
    int d = Shape.dim("indexSelect", dim, s.length);
    Reduce.Axis ax = Reduce.Axis.of(s, d);
    int m = (int) index.numel();
    int[] iv = new int[m];
    Storage ix = index.storage();
    for (int j = 0; j < m; j++) {
      long v = ix.getLong(j);
      if (v < 0 || v >= ax.len()) {
        throw new IllegalArgumentException(
            "indexSelect: index value "
                + v
                + " at position "
                + j
                + " is out of range [0, "
                + ax.len()
                + ") for dim "
                + d
                + " of input shape "
                + Arrays.toString(s));
      }
      iv[j] = (int) v;
    }
    long[] outShape = s.clone();
    if (s.length > 0) {
      outShape[d] = m;
    } else {
      outShape = index.shape();
    }
    Tensor out = Tensor.empty(x.dtype(), outShape);
    Storage xs = x.storage();
    Storage os = out.storage();
    int inner = ax.inner();
    int len = ax.len();
    for (int o = 0; o < ax.outer(); o++) {
      for (int j = 0; j < m; j++) {
        copyBlock(xs, (o * len + iv[j]) * inner, os, (o * m + j) * inner, inner);
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    int outer = ax.outer();
    return Engine.record(
        "indexSelect",
        out,
        new Tensor[] {x},
        (g, needs) -> {
          Tensor gx = Tensor.zeros(g.dtype(), s);
          Storage gs = g.storage();
          Storage xg = gx.storage();
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
              addBlock(gs, (o * m + j) * inner, xg, (o * len + iv[j]) * inner, inner);
            }
          }
          return new Tensor[] {gx};
        });
  }

  // ------------------------------------------------------------------ embedding

  /**
   * Embedding lookup: the rows of {@code weight [V, D]} at the positions in the integer tensor
   * {@code indices} (any shape {@code [...]}), giving {@code [..., D]} of {@code weight}'s type.
   * The gradient scatter-adds each output row into a zero {@code [V, D]} gradient, so repeated
   * indices accumulate.
   *
   * @throws IllegalArgumentException if {@code indices} is not INT64/INT32, {@code weight} is not
   *     2-D, or an index is outside {@code [0, V)} (the message names the value, its position and
   *     {@code V})
   */
  public static Tensor embedding(Tensor indices, Tensor weight) {
    if (!indices.dtype().isInteger()) {
      throw new IllegalArgumentException(
          "embedding: indices must be INT64 or INT32, got "
              + indices.dtype()
              + " of shape "
              + Arrays.toString(indices.shape())
              + " (weight shape "
              + Arrays.toString(weight.shape())
              + ")");
    }
    long[] ws = weight.shape();
    if (ws.length != 2) {
      throw new IllegalArgumentException(
          "embedding: weight must be 2-D [V, D], got shape "
              + Arrays.toString(ws)
              + " (indices shape "
              + Arrays.toString(indices.shape())
              + ")");
    }
    int vocab = (int) ws[0];
    int width = (int) ws[1];
    long[] is = indices.shape();
    int n = (int) indices.numel();
    int[] rows = new int[n];
    Storage ix = indices.storage();
    for (int p = 0; p < n; p++) {
      long v = ix.getLong(p);
      if (v < 0 || v >= vocab) {
        throw new IllegalArgumentException(
            "embedding: index "
                + v
                + " at position "
                + Arrays.toString(unravel(p, is))
                + " is out of range [0, "
                + vocab
                + ") for weight of shape "
                + Arrays.toString(ws)
                + " (V = "
                + vocab
                + ", indices shape "
                + Arrays.toString(is)
                + ")");
      }
      rows[p] = (int) v;
    }
    long[] outShape = Arrays.copyOf(is, is.length + 1);
    outShape[is.length] = width;
    Tensor out = Tensor.empty(weight.dtype(), outShape);
    Storage w = weight.storage();
    Storage os = out.storage();
    for (int p = 0; p < n; p++) {
      copyBlock(w, rows[p] * width, os, p * width, width);
    }
    if (!Engine.needsRecord(weight)) {
      return out;
    }
    return Engine.record(
        "embedding",
        out,
        new Tensor[] {weight},
        (g, needs) -> {
          Tensor gw = Tensor.zeros(g.dtype(), ws);
          Storage gs = g.storage();
          Storage gws = gw.storage();
          for (int p = 0; p < n; p++) {
            addBlock(gs, p * width, gws, rows[p] * width, width);
          }
          return new Tensor[] {gw};
        });
  }

  /** {@code dst[dp..dp+n) = src[sp..sp+n)}; same type. */
  private static void copyBlock(Storage src, int sp, Storage dst, int dp, int n) {
    if (n >= MEMCPY_MIN) {
      dst.copyFrom(src, sp, dp, n);
      return;
    }
    switch (src.dtype) {
      case FLOAT32 -> {
        for (int k = 0; k < n; k++) {
          dst.f.put(dp + k, src.f.get(sp + k));
        }
      }
      case FLOAT64 -> {
        for (int k = 0; k < n; k++) {
          dst.d.put(dp + k, src.d.get(sp + k));
        }
      }
      default -> {
        for (int k = 0; k < n; k++) {
          Reduce.copyElement(src, sp + k, dst, dp + k);
        }
      }
    }
  }

  /** {@code dst[dp..dp+n) += src[sp..sp+n)} for floating storages of one type. */
  private static void addBlock(Storage src, int sp, Storage dst, int dp, int n) {
    if (src.dtype == DType.FLOAT32) {
      for (int k = 0; k < n; k++) {
        dst.f.put(dp + k, dst.f.get(dp + k) + src.f.get(sp + k));
      }
    } else {
      for (int k = 0; k < n; k++) {
        dst.d.put(dp + k, dst.d.get(dp + k) + src.d.get(sp + k));
      }
    }
  }

  // ------------------------------------------------------------------ oneHot

  /**
   * One-hot encoding of the class indices in {@code x} (INT64 or INT32, any shape {@code [...]}):
   * an INT64 tensor {@code [..., numClasses]} with a 1 at each element's class. {@code numClasses =
   * -1} uses {@code max(x) + 1}, as PyTorch. Not differentiable.
   *
   * @throws IllegalArgumentException if {@code x} is not an integer tensor, {@code numClasses <
   *     -1}, a value is negative or not below {@code numClasses}, or {@code numClasses = -1} with
   *     an empty {@code x}
   */
  public static Tensor oneHot(Tensor x, int numClasses) {
    long[] s = x.shape();
    if (!x.dtype().isInteger()) {
      throw new IllegalArgumentException(
          "oneHot: expected an INT64 or INT32 tensor of class indices, got "
              + x.dtype()
              + " of shape "
              + Arrays.toString(s));
    }
    if (numClasses < -1) {
      throw new IllegalArgumentException(
          "oneHot: numClasses must be -1 (infer) or >= 0, got "
              + numClasses
              + " (input shape "
              + Arrays.toString(s)
              + ")");
    }
    int n = (int) x.numel();
    Storage xs = x.storage();
    long max = -1;
    for (int p = 0; p < n; p++) {
      long v = xs.getLong(p);
      if (v < 0) {
        throw new IllegalArgumentException(
            "oneHot: class value "
                + v
                + " at position "
                + Arrays.toString(unravel(p, s))
                + " is negative (input shape "
                + Arrays.toString(s)
                + ")");
      }
      max = Math.max(max, v);
    }
    long classes = numClasses;
    if (numClasses == -1) {
      if (n == 0) {
        throw new IllegalArgumentException(
            "oneHot: cannot infer numClasses from an empty tensor of shape "
                + Arrays.toString(s)
                + "; pass numClasses explicitly");
      }
      classes = max + 1;
    } else if (max >= numClasses) {
      for (int p = 0; p < n; p++) {
        long v = xs.getLong(p);
        if (v >= numClasses) {
          throw new IllegalArgumentException(
              "oneHot: class value "
                  + v
                  + " at position "
                  + Arrays.toString(unravel(p, s))
                  + " is out of range for numClasses = "
                  + numClasses
                  + " (input shape "
                  + Arrays.toString(s)
                  + ")");
        }
      }
    }
    long[] outShape = Arrays.copyOf(s, s.length + 1);
    outShape[s.length] = classes;
    Shape.check("oneHot", outShape);
    Tensor out = Tensor.zeros(DType.INT64, outShape);
    Storage os = out.storage();
    int c = (int) classes;
    for (int p = 0; p < n; p++) {
      os.l.put(p * c + (int) xs.getLong(p), 1L);
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private static void requireIndex(String op, Tensor index, Tensor x) {
    if (!index.dtype().isInteger()) {
      throw new IllegalArgumentException(
          op
              + ": index must be INT64 or INT32, got "
              + index.dtype()
              + " of shape "
              + Arrays.toString(index.shape())
              + " (input shape "
              + Arrays.toString(x.shape())
              + ")");
    }
  }

  /** The multi-index of flat C-order position {@code p} in {@code shape} (for error messages). */
  private static long[] unravel(int p, long[] shape) {
    long[] pos = new long[shape.length];
    long rest = p;
    for (int k = shape.length - 1; k >= 0; k--) {
      pos[k] = rest % shape[k];
      rest /= shape[k];
    }
    return pos;
  }
}
