package dev.residual.interp;

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, in double: accurate
 * to rounding for the {@code d_head × d_head} Gram matrices {@link FactoredMatrix} needs.
 */
final class Jacobi {
  private Jacobi() {}

  /**
   * Eigenvalues of symmetric {@code a} (destroyed), descending; eigenvectors go to the columns of
   * {@code vectors} ({@code n × n}), in the same order.
   */
  static double[] eigen(double[][] a, double[][] vectors) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(vectors[i], 0);
      vectors[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-30 * Math.max(diag, 1e-300)) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int r = 0; r < n; r++) {
            double arp = a[r][p];
            double arq = a[r][q];
            a[r][p] = c * arp - s * arq;
            a[r][q] = s * arp + c * arq;
          }
          for (int r = 0; r < n; r++) {
            double apr = a[p][r];
            double aqr = a[q][r];
            a[p][r] = c * apr - s * aqr;
            a[q][r] = s * apr + c * aqr;
          }
          for (int r = 0; r < n; r++) {
            double vrp = vectors[r][p];
            double vrq = vectors[r][q];
            vectors[r][p] = c * vrp - s * vrq;
            vectors[r][q] = s * vrp + c * vrq;
          }
        }
      }
    }
    // Sort descending, permuting eigenvector columns alongside.
    double[] vals = new double[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      vals[i] = a[i][i];
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(vals[y], vals[x]));
    double[] sorted = new double[n];
    double[][] vs = new double[n][n];
    for (int i = 0; i < n; i++) {
      sorted[i] = vals[order[i]];
      for (int r = 0; r < n; r++) {
        vs[r][i] = vectors[r][order[i]];
      }
    }
    for (int r = 0; r < n; r++) {
      System.arraycopy(vs[r], 0, vectors[r], 0, n);
    }
    return sorted;
  }
}
