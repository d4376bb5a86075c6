package dev.residual.tensor.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of the exp-heavy FLOAT32 kernels, on the JDK's incubating Vector API (whose {@code
 * EXP} lowers to vectorised math routines). Used only when the JVM runs with {@code --add-modules
 * jdk.incubator.vector} (see {@link Simd}); the scalar kernels are the fallback and the reference.
 *
 * <p>All methods take native-order byte views of the tensors' memory and element ranges {@code [lo,
 * hi)}.
 */
final class VectorKernels {
  private VectorKernels() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder NO = ByteOrder.nativeOrder();
  private static final float C2 = (float) (2.0 * Math.sqrt(2.0 / Math.PI));
  private static final float A = 0.044715f;

  /** {@code y = x * sigmoid(2u)}, {@code u = √(2/π)(x + 0.044715 x³)} (GPT-2's GELU). */
  static void geluTanh(ByteBuffer x, ByteBuffer y, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      FloatVector u2 = v.mul(v).mul(A).add(1f).mul(v).mul(-C2);
      FloatVector e = u2.lanewise(VectorOperators.EXP);
      v.div(e.add(1f)).intoByteBuffer(y, 4 * k, NO);
    }
    for (; k < hi; k++) {
      float xv = x.getFloat(4 * k);
      double u2 = C2 * (xv + A * (double) xv * xv * xv);
      y.putFloat(4 * k, (float) (xv / (1.0 + FastMath.exp(-u2))));
    }
  }

  /** {@code dx = g * (s + x s (1 - s) du2)}, {@code s = sigmoid(2u)}. */
  static void geluTanhBackward(ByteBuffer x, ByteBuffer g, ByteBuffer dx, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      FloatVector v2 = v.mul(v);
      FloatVector u2 = v2.mul(A).add(1f).mul(v).mul(-C2);
      FloatVector one = FloatVector.broadcast(S, 1f);
      FloatVector s = one.div(u2.lanewise(VectorOperators.EXP).add(1f));
      FloatVector du2 = v2.mul(3f * A).add(1f).mul(C2);
      FloatVector d = v.mul(s).mul(one.sub(s)).mul(du2).add(s);
      FloatVector gv = FloatVector.fromByteBuffer(S, g, 4 * k, NO);
      gv.mul(d).intoByteBuffer(dx, 4 * k, NO);
    }
    for (; k < hi; k++) {
      double xv = x.getFloat(4 * k);
      double x2 = xv * xv;
      double s = 1.0 / (1.0 + FastMath.exp(-C2 * (xv + A * x2 * xv)));
      double du2 = C2 * (1.0 + 3.0 * A * x2);
      dx.putFloat(4 * k, (float) (g.getFloat(4 * k) * (s + xv * s * (1.0 - s) * du2)));
    }
  }

  private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
  private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
  private static final float[] ERFC_R = toFloats(FastMath.ERFC_R);
  private static final float[] ERF_S = toFloats(FastMath.ERF_S);

  private static float[] toFloats(double[] c) {
    float[] f = new float[c.length];
    for (int i = 0; i < c.length; i++) {
      f[i] = (float) c[i];
    }
    return f;
  }

  private static FloatVector poly(float[] c, FloatVector x) {
    FloatVector r = FloatVector.broadcast(S, c[c.length - 1]);
    for (int k = c.length - 2; k >= 0; k--) {
      r = r.fma(x, FloatVector.broadcast(S, c[k]));
    }
    return r;
  }

  /**
   * The two halves of exact GELU for a vector {@code x}: returns {@code Φ(x)} and stores {@code
   * e^{-x²/2}} in {@code gauss[0]}. Uses {@link FastMath}'s erfc fits: {@code erfc(z) = 1 - z
   * S(z²)} below 0.5, {@code e^{-z²} R(u)} above, {@code z = |x| / √2}; {@code z²}'s rounding error
   * is folded back into the exponential, so the tail keeps float precision.
   */
  private static FloatVector normalCdf(FloatVector v, FloatVector[] gauss) {
    FloatVector z = v.abs().mul(INV_SQRT2);
    // z² = x²/2 from x itself (halving is exact), not from the rounded z: in the far tail
    // e^{-z²} is tiny and a relative error in z² would be multiplied by z² there.
    FloatVector xx = v.mul(v);
    FloatVector z2 = xx.mul(0.5f);
    FloatVector z2err = v.fma(v, xx.neg()).mul(0.5f); // x*x - fl(x*x), exactly, halved
    FloatVector e = z2.neg().lanewise(VectorOperators.EXP);
    e = e.sub(e.mul(z2err)); // e^{-(z2 + z2err)} to first order
    gauss[0] = e;
    FloatVector small = z.mul(poly(ERF_S, z2)).neg().add(1f);
    FloatVector zc = z.min((float) FastMath.ERFC_MAX);
    FloatVector t = zc.fma(0.5f, 1f);
    t = FloatVector.broadcast(S, 1f).div(t);
    FloatVector u = t.sub((float) FastMath.ERFC_T_MID).mul((float) FastMath.ERFC_T_SCALE);
    FloatVector large = e.mul(poly(ERFC_R, u));
    FloatVector erfc =
        large.blend(small, z.compare(VectorOperators.LT, (float) FastMath.ERFC_SPLIT));
    FloatVector half = erfc.mul(0.5f);
    // Φ(x) = erfc(-x/√2)/2: for x >= 0 that is 1 - erfc(z)/2, for x < 0 it is erfc(z)/2.
    return half.blend(half.neg().add(1f), v.compare(VectorOperators.GE, 0f));
  }

  /** {@code y = x Φ(x)}, exact (erf) GELU. */
  static void gelu(ByteBuffer x, ByteBuffer y, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    FloatVector[] gauss = new FloatVector[1];
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      v.mul(normalCdf(v, gauss)).intoByteBuffer(y, 4 * k, NO);
    }
    for (; k < hi; k++) {
      double xv = x.getFloat(4 * k);
      y.putFloat(4 * k, (float) (xv * FastMath.normalCdf(xv)));
    }
  }

  /** {@code y = x Φ(x)} and {@code d = Φ(x) + x φ(x)} in one pass. */
  static void geluWithDerivative(ByteBuffer x, ByteBuffer y, ByteBuffer d, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    FloatVector[] gauss = new FloatVector[1];
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      FloatVector cdf = normalCdf(v, gauss);
      v.mul(cdf).intoByteBuffer(y, 4 * k, NO);
      v.mul(gauss[0]).mul(INV_SQRT_2PI).add(cdf).intoByteBuffer(d, 4 * k, NO);
    }
    for (; k < hi; k++) {
      double xv = x.getFloat(4 * k);
      double cdf = FastMath.normalCdf(xv);
      y.putFloat(4 * k, (float) (xv * cdf));
      d.putFloat(4 * k, (float) (cdf + xv * INV_SQRT_2PI * FastMath.exp(-0.5 * xv * xv)));
    }
  }

  /** {@code y = x σ(x)} (SiLU), {@code σ(x) = 1 / (1 + e^{-x})}. */
  static void silu(ByteBuffer x, ByteBuffer y, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      // x · (1 / (1 + e^-x)), rounded exactly as siluWithDerivative does, so that a forward pass
      // gives the same bits with and without grad.
      FloatVector s = one.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      v.mul(s).intoByteBuffer(y, 4 * k, NO);
    }
    for (; k < hi; k++) {
      double xv = x.getFloat(4 * k);
      y.putFloat(4 * k, (float) (xv * (1.0 / (1.0 + FastMath.exp(-xv)))));
    }
  }

  /** SiLU and its derivative in one pass: {@code y = x σ(x)}, {@code d = σ(x)(1 + x(1 - σ(x)))}. */
  static void siluWithDerivative(ByteBuffer x, ByteBuffer y, ByteBuffer d, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; k < bound; k += S.length()) {
      FloatVector v = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      FloatVector s = one.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      v.mul(s).intoByteBuffer(y, 4 * k, NO);
      one.sub(s).mul(v).add(1f).mul(s).intoByteBuffer(d, 4 * k, NO);
    }
    for (; k < hi; k++) {
      double xv = x.getFloat(4 * k);
      double s = 1.0 / (1.0 + FastMath.exp(-xv));
      y.putFloat(4 * k, (float) (xv * s));
      d.putFloat(4 * k, (float) (s * (1.0 + xv * (1.0 - s))));
    }
  }

  /** {@code y = e^x}. */
  static void exp(ByteBuffer x, ByteBuffer y, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    for (; k < bound; k += S.length()) {
      FloatVector.fromByteBuffer(S, x, 4 * k, NO)
          .lanewise(VectorOperators.EXP)
          .intoByteBuffer(y, 4 * k, NO);
    }
    for (; k < hi; k++) {
      y.putFloat(4 * k, (float) FastMath.exp(x.getFloat(4 * k)));
    }
  }

  /** In-place {@code row[k] = e^(row[k] - max)} over {@code [0, n)}; returns the sum. */
  static float expShiftSum(float[] row, int n, float max) {
    int k = 0;
    int bound = S.loopBound(n);
    FloatVector acc = FloatVector.zero(S);
    for (; k < bound; k += S.length()) {
      FloatVector e = FloatVector.fromArray(S, row, k).sub(max).lanewise(VectorOperators.EXP);
      e.intoArray(row, k);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      float e = (float) FastMath.exp(row[k] - max);
      row[k] = e;
      sum += e;
    }
    return sum;
  }

  /** {@code y = max(x, 0)}. */
  static void relu(ByteBuffer x, ByteBuffer y, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    for (; k < bound; k += S.length()) {
      FloatVector.fromByteBuffer(S, x, 4 * k, NO).max(0f).intoByteBuffer(y, 4 * k, NO);
    }
    for (; k < hi; k++) {
      float v = x.getFloat(4 * k);
      y.putFloat(4 * k, v > 0 ? v : 0f);
    }
  }

  /** {@code dx = x > 0 ? g : 0}. */
  static void reluBackward(ByteBuffer x, ByteBuffer g, ByteBuffer dx, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    FloatVector zero = FloatVector.zero(S);
    for (; k < bound; k += S.length()) {
      FloatVector xv = FloatVector.fromByteBuffer(S, x, 4 * k, NO);
      FloatVector gv = FloatVector.fromByteBuffer(S, g, 4 * k, NO);
      zero.blend(gv, xv.compare(VectorOperators.GT, 0f)).intoByteBuffer(dx, 4 * k, NO);
    }
    for (; k < hi; k++) {
      dx.putFloat(4 * k, x.getFloat(4 * k) > 0 ? g.getFloat(4 * k) : 0f);
    }
  }

  private static float sum(float[] a, int n) {
    FloatVector acc = FloatVector.zero(S);
    int k = 0;
    for (; k + S.length() <= n; k += S.length()) {
      acc = acc.add(FloatVector.fromArray(S, a, k));
    }
    float r = acc.reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      r += a[k];
    }
    return r;
  }

  /**
   * {@code Σ (a[k] − m)²} over {@code a[0, n)}: float lanes, finished in double (the second pass of
   * a two-pass variance, so no cancellation).
   */
  private static double squaredDeviations(float[] a, int n, float m) {
    FloatVector mv = FloatVector.broadcast(S, m);
    FloatVector acc = FloatVector.zero(S);
    int k = 0;
    for (; k + S.length() <= n; k += S.length()) {
      FloatVector d = FloatVector.fromArray(S, a, k).sub(mv);
      acc = d.fma(d, acc);
    }
    double sq = acc.reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      double d = a[k] - m;
      sq += d * d;
    }
    return sq;
  }

  /**
   * LayerNorm of one row in place: {@code row = (row - mean) · rstd · w + b}; stores {@code mean}
   * and {@code rstd} in {@code stats}. The mean and variance are accumulated in float lanes and
   * finished in double (two passes, so no cancellation in the variance).
   */
  static void layerNormRow(float[] row, int n, float[] w, float[] b, double eps, double[] stats) {
    double mean = (double) sum(row, n) / n;
    float m = (float) mean;
    FloatVector mv = FloatVector.broadcast(S, m);
    double rstd = 1.0 / Math.sqrt(squaredDeviations(row, n, m) / n + eps);
    FloatVector rv = FloatVector.broadcast(S, (float) rstd);
    int k = 0;
    for (; k + S.length() <= n; k += S.length()) {
      FloatVector.fromArray(S, row, k)
          .sub(mv)
          .mul(rv)
          .fma(FloatVector.fromArray(S, w, k), FloatVector.fromArray(S, b, k))
          .intoArray(row, k);
    }
    for (; k < n; k++) {
      row[k] = (float) ((row[k] - mean) * rstd * w[k] + b[k]);
    }
    stats[0] = mean;
    stats[1] = rstd;
  }

  /**
   * LayerNorm backward of one row: given the input row {@code x} and its output gradient {@code g},
   * adds {@code g · xhat} to {@code gw} and {@code g} to {@code gb}, and writes {@code dx = rstd (g
   * w - mean(g w) - xhat mean(g w xhat))} into {@code g} (in place).
   */
  static void layerNormRowBackward(
      float[] x, float[] g, int n, float mean, float rstd, float[] w, float[] gw, float[] gb) {
    FloatVector mv = FloatVector.broadcast(S, mean);
    FloatVector rv = FloatVector.broadcast(S, rstd);
    FloatVector sumD = FloatVector.zero(S);
    FloatVector sumDX = FloatVector.zero(S);
    int k = 0;
    for (; k + S.length() <= n; k += S.length()) {
      FloatVector xh = FloatVector.fromArray(S, x, k).sub(mv).mul(rv);
      FloatVector gv = FloatVector.fromArray(S, g, k);
      xh.intoArray(x, k); // keep xhat for the second pass
      gv.fma(xh, FloatVector.fromArray(S, gw, k)).intoArray(gw, k);
      gv.add(FloatVector.fromArray(S, gb, k)).intoArray(gb, k);
      FloatVector dh = gv.mul(FloatVector.fromArray(S, w, k));
      dh.intoArray(g, k);
      sumD = sumD.add(dh);
      sumDX = dh.fma(xh, sumDX);
    }
    double sd = sumD.reduceLanes(VectorOperators.ADD);
    double sdx = sumDX.reduceLanes(VectorOperators.ADD);
    for (; k < n; k++) {
      float xh = (x[k] - mean) * rstd;
      float gv = g[k];
      x[k] = xh;
      gw[k] += gv * xh;
      gb[k] += gv;
      float dh = gv * w[k];
      g[k] = dh;
      sd += dh;
      sdx += dh * xh;
    }
    float md = (float) (sd / n);
    float mdx = (float) (sdx / n);
    FloatVector mdv = FloatVector.broadcast(S, md);
    FloatVector mdxv = FloatVector.broadcast(S, mdx);
    k = 0;
    for (; k + S.length() <= n; k += S.length()) {
      FloatVector dh = FloatVector.fromArray(S, g, k);
      FloatVector xh = FloatVector.fromArray(S, x, k);
      dh.sub(mdv).sub(xh.mul(mdxv)).mul(rv).intoArray(g, k);
    }
    for (; k < n; k++) {
      g[k] = rstd * (g[k] - md - x[k] * mdx);
    }
  }

  /**
   * GroupNorm of one (sample, group) block in place: {@code x} holds {@code cpg} channels of {@code
   * spatial} elements each; channel {@code ci} becomes {@code (x - mean) · rstd · w[ch0 + ci] +
   * b[ch0 + ci]} ({@code w}, {@code b} may be null: 1 and 0). Stores {@code mean} and {@code rstd}
   * in {@code stats}. Mean and variance accumulate in float lanes and finish in double (two passes,
   * so no cancellation in the variance); each channel's normalisation and affine map fold into one
   * float scale and shift.
   */
  static void groupNormBlock(
      float[] x, int cpg, int spatial, float[] w, float[] b, int ch0, double eps, double[] stats) {
    int n = cpg * spatial;
    double mean = n == 0 ? 0 : (double) sum(x, n) / n;
    float m = (float) mean;
    double rstd = 1.0 / Math.sqrt((n == 0 ? 0 : squaredDeviations(x, n, m) / n) + eps);
    for (int ci = 0; ci < cpg; ci++) {
      double scale = rstd * (w == null ? 1 : w[ch0 + ci]);
      double shift = (b == null ? 0 : b[ch0 + ci]) - mean * scale;
      float sc = (float) scale;
      float sh = (float) shift;
      FloatVector scv = FloatVector.broadcast(S, sc);
      FloatVector shv = FloatVector.broadcast(S, sh);
      int from = ci * spatial;
      int k = 0;
      for (; k + S.length() <= spatial; k += S.length()) {
        FloatVector.fromArray(S, x, from + k).fma(scv, shv).intoArray(x, from + k);
      }
      for (; k < spatial; k++) {
        x[from + k] = Math.fma(x[from + k], sc, sh);
      }
    }
    stats[0] = mean;
    stats[1] = rstd;
  }

  /**
   * GroupNorm backward of one (sample, group) block: given the block's input {@code x} and output
   * gradient {@code g} ({@code cpg} channels of {@code spatial} elements), writes each channel's
   * {@code Σ g·xhat} to {@code pgw[p + ci]} and {@code Σ g} to {@code pgb[p + ci]}, and, when
   * {@code dx} is non-null, {@code dx = rstd (g w - mean(g w) - xhat mean(g w xhat))} into it.
   */
  static void groupNormBlockBackward(
      float[] x,
      float[] g,
      float[] dx,
      int cpg,
      int spatial,
      double mean,
      double rstd,
      float[] w,
      int ch0,
      double[] pgw,
      double[] pgb,
      int p) {
    int n = cpg * spatial;
    FloatVector mv = FloatVector.broadcast(S, (float) mean);
    double sumD = 0;
    double sumDX = 0;
    for (int ci = 0; ci < cpg; ci++) {
      int from = ci * spatial;
      FloatVector sg = FloatVector.zero(S);
      FloatVector sgx = FloatVector.zero(S);
      int k = 0;
      for (; k + S.length() <= spatial; k += S.length()) {
        FloatVector gv = FloatVector.fromArray(S, g, from + k);
        sg = sg.add(gv);
        sgx = gv.fma(FloatVector.fromArray(S, x, from + k).sub(mv), sgx);
      }
      double a = sg.reduceLanes(VectorOperators.ADD);
      double ax = sgx.reduceLanes(VectorOperators.ADD);
      for (; k < spatial; k++) {
        a += g[from + k];
        ax += (double) g[from + k] * (x[from + k] - (float) mean);
      }
      ax *= rstd;
      pgw[p + ci] = ax;
      pgb[p + ci] = a;
      double wv = w == null ? 1 : w[ch0 + ci];
      sumD += a * wv;
      sumDX += ax * wv;
    }
    if (dx == null || n == 0) {
      return;
    }
    float md = (float) (sumD / n);
    float mdx = (float) (sumDX / n);
    float r = (float) rstd;
    FloatVector rv = FloatVector.broadcast(S, r);
    FloatVector mdv = FloatVector.broadcast(S, md);
    FloatVector mdxv = FloatVector.broadcast(S, mdx);
    for (int ci = 0; ci < cpg; ci++) {
      int from = ci * spatial;
      float wv = w == null ? 1f : w[ch0 + ci];
      FloatVector wvv = FloatVector.broadcast(S, wv);
      int k = 0;
      for (; k + S.length() <= spatial; k += S.length()) {
        FloatVector xh = FloatVector.fromArray(S, x, from + k).sub(mv).mul(rv);
        FloatVector.fromArray(S, g, from + k)
            .mul(wvv)
            .sub(mdv)
            .sub(xh.mul(mdxv))
            .mul(rv)
            .intoArray(dx, from + k);
      }
      for (; k < spatial; k++) {
        float xh = (x[from + k] - (float) mean) * r;
        dx[from + k] = r * (g[from + k] * wv - md - xh * mdx);
      }
    }
  }

  /** True for the binary ops {@link #binary} implements. */
  static boolean supports(Pointwise.Binary op) {
    return op == Pointwise.Binary.ADD
        || op == Pointwise.Binary.SUB
        || op == Pointwise.Binary.MUL
        || op == Pointwise.Binary.DIV;
  }

  /** {@code o = a op b} elementwise over same-shaped FLOAT32 tensors. */
  static void binary(
      Pointwise.Binary op, ByteBuffer a, ByteBuffer b, ByteBuffer o, int lo, int hi) {
    int k = lo;
    int bound = lo + S.loopBound(hi - lo);
    for (; k < bound; k += S.length()) {
      FloatVector x = FloatVector.fromByteBuffer(S, a, 4 * k, NO);
      FloatVector y = FloatVector.fromByteBuffer(S, b, 4 * k, NO);
      FloatVector r =
          switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            default -> x.div(y);
          };
      r.intoByteBuffer(o, 4 * k, NO);
    }
    for (; k < hi; k++) {
      float x = a.getFloat(4 * k);
      float y = b.getFloat(4 * k);
      o.putFloat(
          4 * k,
          switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            default -> x / y;
          });
    }
  }
}
