package dev.residual.tensor.internal;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Matrix products on BLAS: {@code cblas_sgemm}/{@code cblas_dgemm} called directly on the tensors'
 * memory (ND4J's {@code mmul} measured 5-8x slower here for the same product). Batched products
 * with broadcast batch dims loop over the batch; when the right operand has no batch dims the left
 * operand's batch is folded into its rows ({@code [B,T,C]·[C,D]} is one GEMM).
 */
public final class LinAlg {
  private LinAlg() {}

  /**
   * {@code C[cOff..] = alpha * op(A) · op(B) + beta * C} in row-major layout, where {@code op(A)}
   * is {@code M x K} and {@code op(B)} is {@code K x N}.
   */
  public static void gemm(
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      double alpha,
      Storage a,
      int aOff,
      int lda,
      Storage b,
      int bOff,
      int ldb,
      double beta,
      Storage c,
      int cOff,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      // An empty inner dimension: the product is zero (BLAS rejects lda = 0).
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int ci = cOff + i * ldc + j;
          c.setDouble(ci, beta == 0 ? 0.0 : beta * c.getDouble(ci));
        }
      }
      return;
    }
    dev.residual.tensor.Threads.ensureBlasConfigured();
    a.checkLive("gemm");
    b.checkLive("gemm");
    c.checkLive("gemm");
    switch (c.dtype) {
      case FLOAT32 ->
          cblas_sgemm(
              CblasRowMajor,
              ta ? CblasTrans : CblasNoTrans,
              tb ? CblasTrans : CblasNoTrans,
              m,
              n,
              k,
              (float) alpha,
              new FloatPointer(a.pointer).position(aOff),
              lda,
              new FloatPointer(b.pointer).position(bOff),
              ldb,
              (float) beta,
              new FloatPointer(c.pointer).position(cOff),
              ldc);
      case FLOAT64 ->
          cblas_dgemm(
              CblasRowMajor,
              ta ? CblasTrans : CblasNoTrans,
              tb ? CblasTrans : CblasNoTrans,
              m,
              n,
              k,
              alpha,
              new DoublePointer(a.pointer).position(aOff),
              lda,
              new DoublePointer(b.pointer).position(bOff),
              ldb,
              beta,
              new DoublePointer(c.pointer).position(cOff),
              ldc);
      default -> {
        // Integer product: plain loops in long arithmetic.
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            long s = 0;
            for (int p = 0; p < k; p++) {
              long av = a.getLong(aOff + (ta ? p * lda + i : i * lda + p));
              long bv = b.getLong(bOff + (tb ? j * ldb + p : p * ldb + j));
              s += av * bv;
            }
            int ci = cOff + i * ldc + j;
            c.setLong(ci, (long) (alpha * s) + (beta == 0 ? 0 : (long) (beta * c.getLong(ci))));
          }
        }
      }
    }
  }

  /** Matrix product with PyTorch's matmul semantics; see {@link Tensor#matmul}. */
  public static Tensor matmul(Tensor a, Tensor b) {
    if (a.dim() == 0 || b.dim() == 0) {
      throw new IllegalArgumentException(
          "matmul: both arguments need at least 1 dim, got shapes "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape()));
    }
    if (a.dtype() == DType.BOOL || b.dtype() == DType.BOOL) {
      throw new IllegalArgumentException("matmul: not defined for BOOL tensors");
    }
    DType type = DType.promote(a.dtype(), b.dtype());
    Tensor a2 = Pointwise.convert(a, type);
    Tensor b2 = Pointwise.convert(b, type);
    boolean aVec = a.dim() == 1;
    boolean bVec = b.dim() == 1;
    if (aVec) {
      a2 = a2.unsqueeze(0);
    }
    if (bVec) {
      b2 = b2.unsqueeze(-1);
    }
    Tensor out = product(a2, b2, a.shape(), b.shape());
    if (aVec && bVec) {
      return out.reshape();
    }
    if (aVec) {
      return out.squeeze(-2);
    }
    if (bVec) {
      return out.squeeze(-1);
    }
    return out;
  }

  /** Batch layout of a product: output batch shape and per-batch offsets of both operands. */
  private record Plan(long[] batch, int count, int[] aOffs, int[] bOffs, boolean fold) {}

  private static Plan plan(long[] as, long[] bs, String op, long[] origA, long[] origB) {
    int ar = as.length;
    int br = bs.length;
    long[] aBatch = Arrays.copyOf(as, ar - 2);
    long[] bBatch = Arrays.copyOf(bs, br - 2);
    long[] batch;
    try {
      batch = Shape.broadcast(op, aBatch, bBatch);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          op
              + ": batch dims of shapes "
              + Arrays.toString(origA)
              + " and "
              + Arrays.toString(origB)
              + " cannot be broadcast");
    }
    int count = (int) Shape.numel(batch);
    boolean fold = Shape.numel(bBatch) == 1 && Arrays.equals(aBatch, batch);
    int[] aOffs = new int[count];
    int[] bOffs = new int[count];
    if (!fold) {
      int aMat = (int) (as[ar - 2] * as[ar - 1]);
      int bMat = (int) (bs[br - 2] * bs[br - 1]);
      int[] sa = Shape.broadcastStrides(aBatch, batch);
      int[] sb = Shape.broadcastStrides(bBatch, batch);
      int[] idx = new int[batch.length];
      int ao = 0;
      int bo = 0;
      for (int i = 0; i < count; i++) {
        aOffs[i] = ao * aMat;
        bOffs[i] = bo * bMat;
        for (int d = batch.length - 1; d >= 0; d--) {
          idx[d]++;
          ao += sa[d];
          bo += sb[d];
          if (idx[d] < batch[d]) {
            break;
          }
          ao -= sa[d] * (int) batch[d];
          bo -= sb[d] * (int) batch[d];
          idx[d] = 0;
        }
      }
    }
    return new Plan(batch, count, aOffs, bOffs, fold);
  }

  private static Tensor product(Tensor a, Tensor b, long[] origA, long[] origB) {
    long[] as = a.shape();
    long[] bs = b.shape();
    int m = (int) as[as.length - 2];
    int k = (int) as[as.length - 1];
    int kb = (int) bs[bs.length - 2];
    int n = (int) bs[bs.length - 1];
    if (k != kb) {
      throw new IllegalArgumentException(
          "matmul: shapes "
              + Arrays.toString(origA)
              + " and "
              + Arrays.toString(origB)
              + " do not align ("
              + k
              + " != "
              + kb
              + ")");
    }
    Plan p = plan(as, bs, "matmul", origA, origB);
    long[] outShape = Arrays.copyOf(p.batch, p.batch.length + 2);
    outShape[p.batch.length] = m;
    outShape[p.batch.length + 1] = n;
    Tensor out = Tensor.empty(a.dtype(), outShape);
    Storage sa = a.storage();
    Storage sb = b.storage();
    Storage so = out.storage();
    if (k == 0) {
      Pointwise.fill(out, 0.0);
    } else if (p.fold) {
      gemm(false, false, p.count * m, n, k, 1, sa, 0, k, sb, 0, n, 0, so, 0, n);
    } else {
      for (int i = 0; i < p.count; i++) {
        gemm(false, false, m, n, k, 1, sa, p.aOffs[i], k, sb, p.bOffs[i], n, 0, so, i * m * n, n);
      }
    }
    if (!Engine.needsRecord(a, b)) {
      return out;
    }
    return Engine.record(
        "matmul",
        out,
        new Tensor[] {a, b},
        (g, need) -> {
          // The folded case overwrites its result (beta 0); the batched loop accumulates (beta 1).
          Tensor ga = need[0] ? newGrad(p.fold, a.dtype(), as) : null;
          Tensor gb = need[1] ? newGrad(p.fold, b.dtype(), bs) : null;
          Storage gs = g.storage();
          if (p.fold) {
            int rows = p.count * m;
            if (ga != null) {
              gemm(false, true, rows, k, n, 1, gs, 0, n, sb, 0, n, 0, ga.storage(), 0, k);
            }
            if (gb != null) {
              gemm(true, false, k, n, rows, 1, sa, 0, k, gs, 0, n, 0, gb.storage(), 0, n);
            }
          } else {
            for (int i = 0; i < p.count; i++) {
              int go = i * m * n;
              if (ga != null) {
                gemm(
                    false,
                    true,
                    m,
                    k,
                    n,
                    1,
                    gs,
                    go,
                    n,
                    sb,
                    p.bOffs[i],
                    n,
                    1,
                    ga.storage(),
                    p.aOffs[i],
                    k);
              }
              if (gb != null) {
                gemm(
                    true,
                    false,
                    k,
                    n,
                    m,
                    1,
                    sa,
                    p.aOffs[i],
                    k,
                    gs,
                    go,
                    n,
                    1,
                    gb.storage(),
                    p.bOffs[i],
                    n);
              }
            }
          }
          return new Tensor[] {ga, gb};
        },
        a,
        b);
  }

  /**
   * Fused affine map {@code x·Wᵀ + b} with {@code x [..., in]}, {@code w [out, in]} (PyTorch's
   * layout) and optional {@code b [out]}: one GEMM with the weight read transposed in place.
   */
  public static Tensor linear(Tensor x, Tensor w, Tensor b) {
    long[] xs = x.shape();
    long[] ws = w.shape();
    if (xs.length < 1 || ws.length != 2 || xs[xs.length - 1] != ws[1]) {
      throw new IllegalArgumentException(
          "linear: input of shape "
              + Arrays.toString(xs)
              + " and weight of shape "
              + Arrays.toString(ws)
              + " do not align (expected weight [out, "
              + (xs.length == 0 ? "?" : xs[xs.length - 1])
              + "])");
    }
    if (b != null && (b.dim() != 1 || b.size(0) != ws[0])) {
      throw new IllegalArgumentException(
          "linear: bias of shape " + Arrays.toString(b.shape()) + " must be [" + ws[0] + "]");
    }
    Pointwise.requireFloat("linear", x);
    DType type = x.dtype();
    Tensor w2 = Pointwise.convert(w, type);
    Tensor b2 = b == null ? null : Pointwise.convert(b, type);
    int in = (int) ws[1];
    int outF = (int) ws[0];
    int rows = in == 0 ? (int) (Shape.numel(xs)) : (int) (x.numel() / in);
    if (in == 0) {
      rows = (int) Shape.numel(Arrays.copyOf(xs, xs.length - 1));
    }
    long[] outShape = xs.clone();
    outShape[xs.length - 1] = outF;
    Tensor out = Tensor.empty(type, outShape);
    Storage os = out.storage();
    if (b2 != null) {
      Storage bs = b2.storage();
      // Bias into every row (GEMM then adds x·Wᵀ with beta 1): one row, then doubling copies.
      if (rows > 0) {
        os.copyFrom(bs, 0, 0, outF);
      }
      for (int done = 1; done < rows; ) {
        int n = Math.min(done, rows - done);
        os.copyFrom(os, 0, done * outF, n * outF);
        done += n;
      }
    }
    if (in == 0 && b2 == null) {
      Pointwise.fill(out, 0.0);
    }
    gemm(
        false,
        true,
        rows,
        outF,
        in,
        1,
        x.storage(),
        0,
        in,
        w2.storage(),
        0,
        in,
        b2 == null ? 0 : 1,
        os,
        0,
        outF);
    if (!Engine.needsRecord(x, w, b)) {
      return out;
    }
    final int nRows = rows;
    return Engine.record(
        "linear",
        out,
        new Tensor[] {x, w, b},
        (g, need) -> {
          Storage gs = g.storage();
          Tensor gx = null;
          Tensor gw = null;
          Tensor gb = null;
          if (need[0]) {
            gx = Tensor.empty(type, xs);
            gemm(
                false,
                false,
                nRows,
                in,
                outF,
                1,
                gs,
                0,
                outF,
                w2.storage(),
                0,
                in,
                0,
                gx.storage(),
                0,
                in);
          }
          if (need[1]) {
            gw = Tensor.empty(type, ws);
            gemm(
                true,
                false,
                outF,
                in,
                nRows,
                1,
                gs,
                0,
                outF,
                x.storage(),
                0,
                in,
                0,
                gw.storage(),
                0,
                in);
            gw = gw.to(w.dtype());
          }
          if (need[2]) {
            gb = columnSums(g.storage(), nRows, outF, type).to(b.dtype());
          }
          return new Tensor[] {gx, gw, gb};
        },
        x,
        w2);
  }

  private static Tensor newGrad(boolean overwritten, DType type, long[] shape) {
    return overwritten ? Tensor.empty(type, shape) : Tensor.zeros(type, shape);
  }

  /** Sums of the columns of a row-major {@code [rows, cols]} matrix, as one BLAS gemv. */
  static Tensor columnSums(Storage m, int rows, int cols, DType type) {
    Tensor out = Tensor.empty(type, cols);
    if (rows == 0 || type.isInteger()) {
      Pointwise.fill(out, 0.0);
      if (rows > 0) {
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            out.storage().setLong(c, out.storage().getLong(c) + m.getLong(r * cols + c));
          }
        }
      }
      return out;
    }
    sumsByGemv(true, m, rows, cols, out.storage());
    return out;
  }

  /** {@code out[r] = sum_c m[r, c]} for a row-major {@code [rows, cols]} float matrix (gemv). */
  static void rowSums(Storage m, int rows, int cols, Storage out) {
    sumsByGemv(false, m, rows, cols, out);
  }

  /**
   * Row sums ({@code columns == false}) or column sums of a row-major {@code [rows, cols]} floating
   * matrix into {@code out}, as one BLAS gemv against a vector of ones.
   */
  private static void sumsByGemv(boolean columns, Storage m, int rows, int cols, Storage out) {
    Tensor ones = Tensor.ones(m.dtype, columns ? rows : cols);
    dev.residual.tensor.Threads.ensureBlasConfigured();
    int trans = columns ? CblasTrans : CblasNoTrans;
    if (m.dtype == DType.FLOAT32) {
      cblas_sgemv(
          CblasRowMajor,
          trans,
          rows,
          cols,
          1f,
          new FloatPointer(m.pointer),
          cols,
          new FloatPointer(ones.storage().pointer),
          1,
          0f,
          new FloatPointer(out.pointer),
          1);
    } else {
      cblas_dgemv(
          CblasRowMajor,
          trans,
          rows,
          cols,
          1.0,
          new DoublePointer(m.pointer),
          cols,
          new DoublePointer(ones.storage().pointer),
          1,
          0.0,
          new DoublePointer(out.pointer),
          1);
    }
    ones.storage().release();
  }
}
