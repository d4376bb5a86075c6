package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape ops: reshape (sharing memory), and the copying ops permute, transpose, expand, repeat,
 * slice, select, cat, stack, split, chunk, tril and triu, each with its backward.
 */
public final class Shapes {
  private Shapes() {}

  private static final ThreadLocal<float[][]> RUN =
      ThreadLocal.withInitial(() -> new float[][] {new float[256]});

  private static float[] runBuffer(int n) {
    float[][] h = RUN.get();
    if (h[0].length < n) {
      h[0] = new float[Math.max(n, 2 * h[0].length)];
    }
    return h[0];
  }

  /**
   * Copies elements between two strided layouts over the iteration shape {@code shape}: {@code
   * dst[dOff + Σ i_k dStr_k] = src[sOff + Σ i_k sStr_k]}. Types must match.
   */
  public static void stridedCopy(
      Storage src, int sOff, int[] sStr, Storage dst, int dOff, int[] dStr, long[] shape) {
    DType t = src.dtype;
    Pointwise.forEachRun(
        shape,
        sStr,
        dStr,
        (so, ss, doff, ds, oo, n) -> {
          int a = sOff + so;
          int b = dOff + doff;
          switch (t) {
            case FLOAT32 -> {
              if (ss == 1 && ds == 1 && n >= 8) {
                // A contiguous run: two bulk copies through a heap buffer beat n element calls.
                float[] tmp = runBuffer(n);
                src.f.get(a, tmp, 0, n);
                dst.f.put(b, tmp, 0, n);
              } else {
                for (int k = 0; k < n; k++) {
                  dst.f.put(b + k * ds, src.f.get(a + k * ss));
                }
              }
            }
            case FLOAT64 -> {
              for (int k = 0; k < n; k++) {
                dst.d.put(b + k * ds, src.d.get(a + k * ss));
              }
            }
            case INT32 -> {
              for (int k = 0; k < n; k++) {
                dst.i.put(b + k * ds, src.i.get(a + k * ss));
              }
            }
            case INT64 -> {
              for (int k = 0; k < n; k++) {
                dst.l.put(b + k * ds, src.l.get(a + k * ss));
              }
            }
            case BOOL -> {
              for (int k = 0; k < n; k++) {
                dst.b.put(b + k * ds, src.b.get(a + k * ss));
              }
            }
          }
        });
  }

  /** The same storage seen with a new shape; one entry may be -1. */
  public static Tensor reshape(Tensor x, long[] newShape) {
    long[] s = inferShape("reshape", x.shape(), newShape);
    Tensor out = Tensor.fromStorage(x.storage(), s);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    long[] inShape = x.shape();
    return Engine.record(
        "reshape", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.reshape(inShape)});
  }

  private static long[] inferShape(String op, long[] shape, long[] newShape) {
    long numel = Shape.numel(shape);
    long[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int k = 0; k < s.length; k++) {
      if (s[k] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              op + ": only one dim can be -1 in " + Arrays.toString(newShape));
        }
        infer = k;
      } else if (s[k] < 0) {
        throw new IllegalArgumentException(
            op + ": invalid size " + s[k] + " in " + Arrays.toString(newShape));
      } else {
        known *= s[k];
      }
    }
    if (infer >= 0) {
      if (known == 0 || numel % known != 0) {
        throw new IllegalArgumentException(
            op
                + ": shape "
                + Arrays.toString(newShape)
                + " is invalid for input of size "
                + numel
                + " (shape "
                + Arrays.toString(shape)
                + ")");
      }
      s[infer] = numel / known;
    } else if (known != numel) {
      throw new IllegalArgumentException(
          op
              + ": shape "
              + Arrays.toString(newShape)
              + " is invalid for input of size "
              + numel
              + " (shape "
              + Arrays.toString(shape)
              + ")");
    }
    return s;
  }

  /** Dims reordered by {@code perm}. */
  public static Tensor permute(Tensor x, int[] perm) {
    long[] shape = x.shape();
    int r = shape.length;
    if (perm.length != r) {
      throw new IllegalArgumentException(
          "permute: "
              + Arrays.toString(perm)
              + " has "
              + perm.length
              + " dims, tensor of shape "
              + Arrays.toString(shape)
              + " has "
              + r);
    }
    int[] p = new int[r];
    boolean[] seen = new boolean[r];
    for (int k = 0; k < r; k++) {
      p[k] = Shape.dim("permute", perm[k], r);
      if (seen[p[k]]) {
        throw new IllegalArgumentException(
            "permute: dim " + p[k] + " repeated in " + Arrays.toString(perm));
      }
      seen[p[k]] = true;
    }
    int[] st = Shape.intStrides(shape);
    long[] outShape = new long[r];
    int[] sStr = new int[r];
    boolean identity = true;
    for (int k = 0; k < r; k++) {
      outShape[k] = shape[p[k]];
      sStr[k] = st[p[k]];
      identity &= p[k] == k;
    }
    if (identity) {
      return x;
    }
    Tensor out = Tensor.empty(x.dtype(), outShape);
    stridedCopy(x.storage(), 0, sStr, out.storage(), 0, Shape.intStrides(outShape), outShape);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    int[] inv = new int[r];
    for (int k = 0; k < r; k++) {
      inv[p[k]] = k;
    }
    return Engine.record("permute", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.permute(inv)});
  }

  /** Two dims swapped. */
  public static Tensor transpose(Tensor x, int d0, int d1) {
    int r = x.dim();
    int a = Shape.dim("transpose", d0, r);
    int b = Shape.dim("transpose", d1, r);
    if (r == 0) {
      return x;
    }
    int[] perm = new int[r];
    for (int k = 0; k < r; k++) {
      perm[k] = k;
    }
    perm[a] = b;
    perm[b] = a;
    return permute(x, perm);
  }

  /** A size-1 dim inserted. */
  public static Tensor unsqueeze(Tensor x, int dim) {
    long[] s = x.shape();
    int d = Shape.dim("unsqueeze", dim, s.length + 1);
    long[] out = new long[s.length + 1];
    for (int k = 0, j = 0; k < out.length; k++) {
      out[k] = k == d ? 1 : s[j++];
    }
    return reshape(x, out);
  }

  /** Size-1 dims removed (all, or just {@code dim}). */
  public static Tensor squeeze(Tensor x, Integer dim) {
    long[] s = x.shape();
    if (dim != null) {
      int d = Shape.dim("squeeze", dim, s.length);
      if (s.length == 0 || s[d] != 1) {
        return x;
      }
      long[] out = new long[s.length - 1];
      for (int k = 0, j = 0; k < s.length; k++) {
        if (k != d) {
          out[j++] = s[k];
        }
      }
      return reshape(x, out);
    }
    return reshape(x, Arrays.stream(s).filter(v -> v != 1).toArray());
  }

  /** Dims {@code start..end} merged. */
  public static Tensor flatten(Tensor x, int startDim, int endDim) {
    long[] s = x.shape();
    if (s.length == 0) {
      return reshape(x, new long[] {1});
    }
    int a = Shape.dim("flatten", startDim, s.length);
    int b = Shape.dim("flatten", endDim, s.length);
    if (a > b) {
      throw new IllegalArgumentException(
          "flatten: start dim " + startDim + " comes after end dim " + endDim);
    }
    long[] out = new long[s.length - (b - a)];
    int j = 0;
    for (int k = 0; k < a; k++) {
      out[j++] = s[k];
    }
    long m = 1;
    for (int k = a; k <= b; k++) {
      m *= s[k];
    }
    out[j++] = m;
    for (int k = b + 1; k < s.length; k++) {
      out[j++] = s[k];
    }
    return reshape(x, out);
  }

  /** Size-1 dims broadcast to {@code newShape}, materialised. */
  public static Tensor expand(Tensor x, long[] newShape) {
    long[] s = x.shape();
    if (newShape.length < s.length) {
      throw new IllegalArgumentException(
          "expand: target "
              + Arrays.toString(newShape)
              + " has fewer dims than the tensor's shape "
              + Arrays.toString(s));
    }
    long[] target = newShape.clone();
    int off = target.length - s.length;
    for (int k = 0; k < target.length; k++) {
      long have = k >= off ? s[k - off] : 1;
      if (target[k] == -1) {
        if (k < off) {
          throw new IllegalArgumentException(
              "expand: -1 is not allowed for a new leading dim in " + Arrays.toString(newShape));
        }
        target[k] = have;
      }
      if (have != target[k] && have != 1) {
        throw new IllegalArgumentException(
            "expand: the tensor of shape "
                + Arrays.toString(s)
                + " cannot be expanded to "
                + Arrays.toString(newShape)
                + " (dim "
                + k
                + ": "
                + have
                + " vs "
                + target[k]
                + ")");
      }
    }
    if (Arrays.equals(target, s)) {
      return x;
    }
    Tensor out = Tensor.empty(x.dtype(), target);
    if (x.numel() == 1 && x.dtype().isFloatingPoint()) {
      // A scalar broadcast (the gradient of a sum) is a fill.
      Pointwise.fill(out, x.storage().getDouble(0));
    } else {
      stridedCopy(
          x.storage(),
          0,
          Shape.broadcastStrides(s, target),
          out.storage(),
          0,
          Shape.intStrides(target),
          target);
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "expand", out, new Tensor[] {x}, (g, n) -> new Tensor[] {Pointwise.sumTo(g, s)});
  }

  /** Tiled {@code repeats[k]} times along each dim (leading repeats add dims). */
  public static Tensor repeat(Tensor x, long[] repeats) {
    long[] s = x.shape();
    if (repeats.length < s.length) {
      throw new IllegalArgumentException(
          "repeat: "
              + repeats.length
              + " repeats given for a tensor of shape "
              + Arrays.toString(s)
              + " (need at least "
              + s.length
              + ")");
    }
    int r = repeats.length;
    long[] padded = new long[r];
    Arrays.fill(padded, 1);
    System.arraycopy(s, 0, padded, r - s.length, s.length);
    // View the output as [rep_0, s_0, rep_1, s_1, ...] and broadcast the input into it.
    long[] inter = new long[2 * r];
    long[] inShape2 = new long[2 * r];
    long[] outShape = new long[r];
    for (int k = 0; k < r; k++) {
      if (repeats[k] < 0) {
        throw new IllegalArgumentException("repeat: negative repeat " + repeats[k]);
      }
      inter[2 * k] = repeats[k];
      inter[2 * k + 1] = padded[k];
      inShape2[2 * k] = 1;
      inShape2[2 * k + 1] = padded[k];
      outShape[k] = repeats[k] * padded[k];
    }
    Tensor out = Tensor.empty(x.dtype(), outShape);
    stridedCopy(
        x.storage(),
        0,
        Shape.broadcastStrides(inShape2, inter),
        out.storage(),
        0,
        Shape.intStrides(inter),
        inter);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "repeat",
        out,
        new Tensor[] {x},
        (g, n) -> {
          Tensor gi = g.reshape(inter);
          int[] dims = new int[r];
          for (int k = 0; k < r; k++) {
            dims[k] = 2 * k;
          }
          return new Tensor[] {Reduce.sum(gi, dims, false).reshape(s)};
        });
  }

  /** {@code x[start:end:step]} along {@code dim}, Python semantics (clamped bounds). */
  public static Tensor slice(Tensor x, int dim, long start, long end, long step) {
    long[] s = x.shape();
    int d = Shape.dim("slice", dim, s.length);
    if (step <= 0) {
      throw new IllegalArgumentException("slice: step must be positive, got " + step);
    }
    long len = s[d];
    long a = start < 0 ? start + len : start;
    long b = end < 0 ? end + len : end;
    a = Math.min(Math.max(a, 0), len);
    b = Math.min(Math.max(b, a), len);
    long count = (b - a + step - 1) / step;
    long[] outShape = s.clone();
    outShape[d] = count;
    if (a == 0 && count == len && step == 1) {
      return x;
    }
    int[] st = Shape.intStrides(s);
    int[] sStr = st.clone();
    sStr[d] = (int) (st[d] * step);
    Tensor out = Tensor.empty(x.dtype(), outShape);
    final long first = a;
    stridedCopy(
        x.storage(),
        (int) (first * st[d]),
        sStr,
        out.storage(),
        0,
        Shape.intStrides(outShape),
        outShape);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "slice",
        out,
        new Tensor[] {x},
        (g, n) -> {
          Tensor gx = Tensor.zeros(g.dtype(), s);
          stridedCopy(
              g.storage(),
              0,
              Shape.intStrides(outShape),
              gx.storage(),
              (int) (first * st[d]),
              sStr,
              outShape);
          return new Tensor[] {gx};
        });
  }

  /** The slice at {@code index} along {@code dim}, with the dim removed. */
  public static Tensor select(Tensor x, int dim, long index) {
    long[] s = x.shape();
    int d = Shape.dim("select", dim, s.length);
    long i = index < 0 ? index + s[d] : index;
    if (i < 0 || i >= s[d]) {
      throw new IllegalArgumentException(
          "select: index "
              + index
              + " out of range for dim "
              + d
              + " of size "
              + s[d]
              + " (shape "
              + Arrays.toString(s)
              + ")");
    }
    Tensor sl = slice(x, d, i, i + 1, 1);
    return squeeze(sl, d);
  }

  /** Tensors joined along {@code dim}. */
  public static Tensor cat(List<Tensor> tensors, int dim) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
    }
    long[] first = tensors.get(0).shape();
    int d = Shape.dim("cat", dim, first.length);
    DType type = tensors.get(0).dtype();
    long total = 0;
    for (Tensor t : tensors) {
      long[] s = t.shape();
      boolean ok = s.length == first.length;
      for (int k = 0; ok && k < s.length; k++) {
        ok = k == d || s[k] == first[k];
      }
      if (!ok) {
        StringBuilder all = new StringBuilder();
        for (Tensor u : tensors) {
          all.append(all.length() == 0 ? "" : ", ").append(Arrays.toString(u.shape()));
        }
        throw new IllegalArgumentException(
            "cat: shapes must match except in dim " + d + ", got " + all);
      }
      total += s[d];
      type = DType.promote(type, t.dtype());
    }
    long[] outShape = first.clone();
    outShape[d] = total;
    Tensor out = Tensor.empty(type, outShape);
    int[] ost = Shape.intStrides(outShape);
    long pos = 0;
    long[] offsets = new long[tensors.size()];
    for (int k = 0; k < tensors.size(); k++) {
      Tensor t = Pointwise.convert(tensors.get(k), type);
      long[] s = t.shape();
      offsets[k] = pos;
      stridedCopy(t.storage(), 0, Shape.intStrides(s), out.storage(), (int) (pos * ost[d]), ost, s);
      pos += s[d];
    }
    Tensor[] inputs = tensors.toArray(new Tensor[0]);
    if (!Engine.needsRecord(inputs)) {
      return out;
    }
    return Engine.record(
        "cat",
        out,
        inputs,
        (g, n) -> {
          Tensor[] gs = new Tensor[inputs.length];
          for (int k = 0; k < inputs.length; k++) {
            if (n[k]) {
              gs[k] = slice(g, d, offsets[k], offsets[k] + inputs[k].size(d), 1);
            }
          }
          return gs;
        });
  }

  /** Equal-shaped tensors stacked along a new dim. */
  public static Tensor stack(List<Tensor> tensors, int dim) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
    }
    long[] first = tensors.get(0).shape();
    int d = Shape.dim("stack", dim, first.length + 1);
    List<Tensor> parts = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) {
      if (!Arrays.equals(t.shape(), first)) {
        throw new IllegalArgumentException(
            "stack: all tensors must have the same shape, got "
                + Arrays.toString(first)
                + " and "
                + Arrays.toString(t.shape()));
      }
      parts.add(unsqueeze(t, d));
    }
    return cat(parts, d);
  }

  /** Pieces of {@code size} along {@code dim}. */
  public static List<Tensor> split(Tensor x, long size, int dim) {
    int d = Shape.dim("split", dim, x.dim());
    if (size <= 0) {
      throw new IllegalArgumentException("split: split size must be positive, got " + size);
    }
    long len = x.size(d);
    List<Tensor> out = new ArrayList<>();
    for (long a = 0; a < len; a += size) {
      out.add(slice(x, d, a, Math.min(a + size, len), 1));
    }
    if (len == 0) {
      out.add(x);
    }
    return out;
  }

  /** Pieces with the given sizes along {@code dim}. */
  public static List<Tensor> split(Tensor x, long[] sizes, int dim) {
    int d = Shape.dim("split", dim, x.dim());
    long sum = 0;
    for (long s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
      }
      sum += s;
    }
    if (sum != x.size(d)) {
      throw new IllegalArgumentException(
          "split: sizes "
              + Arrays.toString(sizes)
              + " add up to "
              + sum
              + ", but dim "
              + d
              + " of shape "
              + Arrays.toString(x.shape())
              + " has "
              + x.size(d));
    }
    List<Tensor> out = new ArrayList<>();
    long a = 0;
    for (long s : sizes) {
      out.add(slice(x, d, a, a + s, 1));
      a += s;
    }
    return out;
  }

  /** {@code chunks} nearly equal pieces (PyTorch: size ceil(len/chunks)). */
  public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
    if (chunks <= 0) {
      throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
    }
    int d = Shape.dim("chunk", dim, x.dim());
    long len = x.size(d);
    long size = Math.max(1, (len + chunks - 1) / chunks);
    return split(x, size, d);
  }

  /** Lower ({@code lower}) or upper triangle of the last two dims. */
  public static Tensor triangle(Tensor x, long diagonal, boolean lower) {
    long[] s = x.shape();
    String op = lower ? "tril" : "triu";
    if (s.length < 2) {
      throw new IllegalArgumentException(
          op + ": expects a tensor with at least 2 dims, got shape " + Arrays.toString(s));
    }
    long rows = s[s.length - 2];
    long cols = s[s.length - 1];
    Tensor mask = Tensor.empty(DType.BOOL, rows, cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        boolean keep = lower ? c - r <= diagonal : c - r >= diagonal;
        mask.storage().b.put((int) (r * cols + c), (byte) (keep ? 0 : 1));
      }
    }
    return Pointwise.maskedFill(x, mask, 0.0);
  }
}
