package dev.residual.interp;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * A matrix kept as the product of two factors, {@code A [..., m, k] · B [..., k, n]}, never formed
 * (TransformerLens's {@code FactoredMatrix}). Attention's QK circuit {@code W_Q W_Kᵀ} and OV
 * circuit {@code W_V W_O} are {@code [d_model, d_model]} matrices of rank {@code d_head}; in
 * factored form their norms, products, composition scores and SVDs cost {@code O(d_model ·
 * d_head²)} instead of {@code O(d_model² · d_head)}. Leading dimensions (e.g. {@code [layer,
 * head]}) broadcast as in {@link Tensor#matmul}.
 */
public final class FactoredMatrix {
  private final Tensor a;
  private final Tensor b;

  /**
   * {@code a · b}.
   *
   * @throws IllegalArgumentException if either has fewer than 2 dims or the inner sizes differ
   */
  public FactoredMatrix(Tensor a, Tensor b) {
    if (a.dim() < 2 || b.dim() < 2 || a.shape()[a.dim() - 1] != b.shape()[b.dim() - 2]) {
      throw new IllegalArgumentException(
          "FactoredMatrix: factors "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape())
              + " do not multiply ([..., m, k] and [..., k, n])");
    }
    this.a = a;
    this.b = b;
  }

  /** The left factor {@code [..., m, k]}. */
  public Tensor a() {
    return a;
  }

  /** The right factor {@code [..., k, n]}. */
  public Tensor b() {
    return b;
  }

  /** The product's shape {@code [..., m, n]} (leading dims broadcast). */
  public long[] shape() {
    long[] as = a.shape();
    long[] bs = b.shape();
    return concat(leading(as, bs), as[as.length - 2], bs[bs.length - 1]);
  }

  /** The full product {@code A B} {@code [..., m, n]} (forms the matrix). */
  public Tensor AB() {
    return a.matmul(b);
  }

  /**
   * {@code B A} {@code [..., k, k]}: the same nonzero eigenvalues as {@code A B}.
   *
   * @throws IllegalArgumentException if the product is not square
   */
  public Tensor BA() {
    return b.matmul(a);
  }

  /** The transpose {@code Bᵀ Aᵀ}, still factored. */
  public FactoredMatrix transpose() {
    return new FactoredMatrix(b.transpose(-2, -1), a.transpose(-2, -1));
  }

  /** {@code (A B) · m}, kept factored as {@code A (B m)}. */
  public FactoredMatrix times(Tensor m) {
    return new FactoredMatrix(a, b.matmul(m));
  }

  /** {@code m · (A B)}, kept factored as {@code (m A) B}. */
  public FactoredMatrix leftTimes(Tensor m) {
    return new FactoredMatrix(m.matmul(a), b);
  }

  /** {@code (A B)(C D)}, kept factored as {@code A ((B C) D)} (inner size stays {@code k}). */
  public FactoredMatrix times(FactoredMatrix other) {
    return new FactoredMatrix(a, b.matmul(other.a).matmul(other.b));
  }

  /**
   * The Frobenius norm {@code ‖A B‖_F} per leading index, from the factors: {@code sqrt(Σ (AᵀA) ∘
   * (B Bᵀ))}.
   *
   * @return {@code [...]} (a scalar tensor without leading dims)
   */
  public Tensor norm() {
    Tensor gramA = a.transpose(-2, -1).matmul(a); // [..., k, k]
    Tensor gramB = b.matmul(b.transpose(-2, -1)); // [..., k, k]
    return gramA.mul(gramB).sum(new int[] {-2, -1}, false).clamp(0.0, Double.MAX_VALUE).sqrt();
  }

  /**
   * The thin SVD {@code A B = U diag(S) Vᵀ}, computed from the factors (eigen-decompositions of
   * {@code k × k} Gram matrices, in double): {@code U [..., m, k]}, {@code S [..., k]} descending,
   * {@code V [..., n, k]}. Singular vectors of zero singular values are zero.
   */
  public Svd svd() {
    long[] as = a.shape();
    long[] bs = b.shape();
    Tensor aB = a.to(DType.FLOAT64);
    Tensor bB = b.to(DType.FLOAT64);
    // Broadcast the leading dims by materialising them (the factors are small).
    long[] lead = leading(as, bs);
    int m = (int) as[as.length - 2];
    int k = (int) as[as.length - 1];
    int n = (int) bs[bs.length - 1];
    long[] aFull = concat(lead, m, k);
    long[] bFull = concat(lead, k, n);
    double[] av = aB.expand(aFull).contiguous().toDoubleArray();
    double[] bv = bB.expand(bFull).contiguous().toDoubleArray();
    int count = 1;
    for (long d : lead) {
      count *= (int) d;
    }
    double[] u = new double[count * m * k];
    double[] s = new double[count * k];
    double[] v = new double[count * n * k];
    for (int i = 0; i < count; i++) {
      svdOne(av, i * m * k, bv, i * k * n, m, k, n, u, i * m * k, s, i * k, v, i * n * k);
    }
    return new Svd(
        Tensor.of(u, concat(lead, m, k)).to(a.dtype()),
        Tensor.of(s, concat(lead, k)).to(a.dtype()),
        Tensor.of(v, concat(lead, n, k)).to(a.dtype()));
  }

  /**
   * The factors of a thin SVD.
   *
   * @param u left singular vectors {@code [..., m, k]}
   * @param s singular values {@code [..., k]}, descending
   * @param v right singular vectors {@code [..., n, k]}
   */
  public record Svd(Tensor u, Tensor s, Tensor v) {}

  /**
   * The eigenvalues of the square product {@code A B} {@code [..., m, m]}, computed from the small
   * {@code B A} {@code [..., k, k]} (the same nonzero eigenvalues; the other {@code m - k} are zero
   * and are not returned), in double with a real Schur (Hessenberg QR) decomposition. Per leading
   * index the {@code k} eigenvalues come sorted by descending modulus, complex-conjugate pairs
   * together (positive imaginary part first). For an OV circuit, mostly positive real eigenvalues
   * mean the head copies the tokens it attends to.
   *
   * @return real and imaginary parts, each {@code [..., k]} in the factors' dtype
   * @throws IllegalArgumentException if the product is not square
   */
  public Eigenvalues eigenvalues() {
    long[] as = a.shape();
    long[] bs = b.shape();
    int m = (int) as[as.length - 2];
    int k = (int) as[as.length - 1];
    int n = (int) bs[bs.length - 1];
    if (m != n) {
      throw new IllegalArgumentException(
          "FactoredMatrix.eigenvalues: the product " + Arrays.toString(shape()) + " is not square");
    }
    long[] lead = leading(as, bs);
    double[] ba =
        b.to(DType.FLOAT64)
            .matmul(a.to(DType.FLOAT64))
            .expand(concat(lead, k, k))
            .contiguous()
            .toDoubleArray();
    int count = ba.length / (k * k);
    double[] re = new double[count * k];
    double[] im = new double[count * k];
    for (int i = 0; i < count; i++) {
      double[][] rows = new double[k][k];
      for (int r = 0; r < k; r++) {
        System.arraycopy(ba, (i * k + r) * k, rows[r], 0, k);
      }
      org.apache.commons.math3.linear.EigenDecomposition eig =
          new org.apache.commons.math3.linear.EigenDecomposition(
              new org.apache.commons.math3.linear.Array2DRowRealMatrix(rows, false));
      double[] wr = eig.getRealEigenvalues();
      double[] wi = eig.getImagEigenvalues();
      Integer[] order = new Integer[k];
      for (int j = 0; j < k; j++) {
        order[j] = j;
      }
      Arrays.sort(
          order,
          (x, y) -> {
            int c = Double.compare(Math.hypot(wr[y], wi[y]), Math.hypot(wr[x], wi[x]));
            if (c != 0) {
              return c;
            }
            c = Double.compare(wr[y], wr[x]);
            return c != 0 ? c : Double.compare(wi[y], wi[x]);
          });
      for (int j = 0; j < k; j++) {
        re[i * k + j] = wr[order[j]];
        im[i * k + j] = wi[order[j]];
      }
    }
    return new Eigenvalues(
        Tensor.of(re, concat(lead, k)).to(a.dtype()), Tensor.of(im, concat(lead, k)).to(a.dtype()));
  }

  /**
   * Eigenvalues as real and imaginary parts.
   *
   * @param real real parts {@code [..., k]}
   * @param imag imaginary parts {@code [..., k]}
   */
  public record Eigenvalues(Tensor real, Tensor imag) {
    /**
     * Anthropic's copying score per leading index: {@code Σ Re λ / Σ |λ|} in {@code [-1, 1]}; near
     * 1 for an OV circuit that copies, near -1 for one that suppresses. {@code [...]}.
     */
    public Tensor positivity() {
      Tensor modulus = real.square().add(imag.square()).sqrt();
      return real.sum(-1).div(modulus.sum(-1).clamp(1e-30, Double.MAX_VALUE));
    }
  }

  private static long[] leading(long[] as, long[] bs) {
    int la = as.length - 2;
    int lb = bs.length - 2;
    int l = Math.max(la, lb);
    long[] out = new long[l];
    for (int i = 0; i < l; i++) {
      long x = i - (l - la) >= 0 ? as[i - (l - la)] : 1;
      long y = i - (l - lb) >= 0 ? bs[i - (l - lb)] : 1;
      if (x != y && x != 1 && y != 1) {
        throw new IllegalArgumentException(
            "FactoredMatrix: leading dims of "
                + Arrays.toString(as)
                + " and "
                + Arrays.toString(bs)
                + " do not broadcast");
      }
      out[i] = Math.max(x, y);
    }
    return out;
  }

  private static long[] concat(long[] lead, long... tail) {
    long[] r = Arrays.copyOf(lead, lead.length + tail.length);
    System.arraycopy(tail, 0, r, lead.length, tail.length);
    return r;
  }

  /**
   * One SVD of {@code A B}: {@code AᵀA = W Λ Wᵀ} gives {@code A = Q Σ Wᵀ} with orthonormal {@code Q
   * = A W Σ⁻¹}; then {@code C = Σ Wᵀ B} ({@code k × n}) has {@code C Cᵀ = P Μ Pᵀ}, so {@code C = P
   * diag(√μ) Zᵀ}, {@code Z = Cᵀ P diag(1/√μ)}; and {@code A B = (Q P) diag(√μ) Zᵀ}.
   */
  private static void svdOne(
      double[] av,
      int ao,
      double[] bv,
      int bo,
      int m,
      int k,
      int n,
      double[] u,
      int uo,
      double[] s,
      int so,
      double[] v,
      int vo) {
    double[][] gram = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double acc = 0;
        for (int r = 0; r < m; r++) {
          acc += av[ao + r * k + i] * av[ao + r * k + j];
        }
        gram[i][j] = acc;
        gram[j][i] = acc;
      }
    }
    double[][] w = new double[k][k];
    double[] lam = Jacobi.eigen(gram, w); // columns of w are eigenvectors
    double[] sigA = new double[k];
    double maxLam = 0;
    for (double x : lam) {
      maxLam = Math.max(maxLam, x);
    }
    double tol = Math.max(maxLam, 1e-300) * 1e-24;
    for (int i = 0; i < k; i++) {
      sigA[i] = lam[i] > tol ? Math.sqrt(lam[i]) : 0;
    }
    // C = diag(sigA) Wᵀ B : k × n
    double[][] c = new double[k][n];
    for (int i = 0; i < k; i++) {
      for (int col = 0; col < n; col++) {
        double acc = 0;
        for (int r = 0; r < k; r++) {
          acc += w[r][i] * bv[bo + r * n + col];
        }
        c[i][col] = sigA[i] * acc;
      }
    }
    double[][] cct = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double acc = 0;
        for (int col = 0; col < n; col++) {
          acc += c[i][col] * c[j][col];
        }
        cct[i][j] = acc;
        cct[j][i] = acc;
      }
    }
    double[][] p = new double[k][k];
    double[] mu = Jacobi.eigen(cct, p);
    double maxMu = 0;
    for (double x : mu) {
      maxMu = Math.max(maxMu, x);
    }
    double tolMu = Math.max(maxMu, 1e-300) * 1e-24;
    // Q = A W diag(1/sigA): m × k
    double[][] q = new double[m][k];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < k; i++) {
        if (sigA[i] == 0) {
          continue;
        }
        double acc = 0;
        for (int j = 0; j < k; j++) {
          acc += av[ao + r * k + j] * w[j][i];
        }
        q[r][i] = acc / sigA[i];
      }
    }
    for (int i = 0; i < k; i++) { // already sorted descending by Jacobi.eigen
      double sv = mu[i] > tolMu ? Math.sqrt(mu[i]) : 0;
      s[so + i] = sv;
      for (int r = 0; r < m; r++) {
        double acc = 0;
        for (int j = 0; j < k; j++) {
          acc += q[r][j] * p[j][i];
        }
        u[uo + r * k + i] = sv == 0 ? 0 : acc;
      }
      for (int col = 0; col < n; col++) {
        double acc = 0;
        for (int j = 0; j < k; j++) {
          acc += c[j][col] * p[j][i];
        }
        v[vo + col * k + i] = sv == 0 ? 0 : acc / sv;
      }
    }
  }
}
