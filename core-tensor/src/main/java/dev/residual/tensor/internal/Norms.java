package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/** Group normalisation, fused with its backward. */
public final class Norms {
  private Norms() {}

  /**
   * Group norm of {@code x [N, C, *]}: the {@code C} channels are split into {@code groups}
   * consecutive groups, and each (sample, group) block is normalised by its own mean and biased
   * variance, {@code (x - mean) / sqrt(var + eps)}, then scaled by {@code weight [C]} and shifted
   * by {@code bias [C]} per channel (either may be null). Statistics accumulate in double (for
   * FLOAT32 with the Vector API: in float lanes, finished in double, as layerNorm); a constant
   * block normalises to zeros (finite values and gradients).
   *
   * @throws IllegalArgumentException if {@code x} is not floating point or has fewer than 2 dims,
   *     {@code groups} is not positive or does not divide {@code C}, or weight/bias are not {@code
   *     [C]}
   */
  public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
    String op = "groupNorm";
    Pointwise.requireFloat(op, x);
    long[] s = x.shape();
    if (s.length < 2) {
      throw new IllegalArgumentException(
          op + ": expected input [N, C, *] with at least 2 dims, got " + Arrays.toString(s));
    }
    int c = (int) s[1];
    if (groups <= 0 || c % groups != 0) {
      throw new IllegalArgumentException(
          op
              + ": "
              + c
              + " channels (input "
              + Arrays.toString(s)
              + ") cannot be split into "
              + groups
              + " groups");
    }
    for (Tensor p : new Tensor[] {weight, bias}) {
      if (p != null && (p.dim() != 1 || p.size(0) != c)) {
        throw new IllegalArgumentException(
            op
                + ": weight/bias of shape "
                + Arrays.toString(p.shape())
                + " must be ["
                + c
                + "] for input "
                + Arrays.toString(s));
      }
    }
    DType type = x.dtype();
    Tensor w = weight == null ? null : weight.to(type);
    Tensor b = bias == null ? null : bias.to(type);
    int n = (int) s[0];
    int spatial = (int) Shape.numel(Arrays.copyOfRange(s, 2, s.length));
    int cpg = c / groups;
    int len = cpg * spatial;
    int blocks = n * groups;
    double[] means = new double[blocks];
    double[] rstds = new double[blocks];
    Tensor out = Tensor.empty(type, s);
    Storage xs = x.storage();
    Storage os = out.storage();
    Storage ws = w == null ? null : w.storage();
    Storage bs = b == null ? null : b.storage();
    boolean f32 = type == DType.FLOAT32;
    // Blocks (one sample's group) are independent: split them over threads, each chunk holding
    // at least Pointwise.GRAIN elements.
    int grain = Math.max(1, Pointwise.GRAIN / Math.max(1, len));
    // FLOAT32 with the Vector API: each block is copied into a float array and normalised by
    // VectorKernels (float lanes, statistics finished in double); otherwise the scalar loops.
    boolean simd = f32 && Simd.ENABLED;
    float[] wf = simd && ws != null ? floats(ws, c) : null;
    float[] bf = simd && bs != null ? floats(bs, c) : null;
    if (simd) {
      Parallel.forRange(
          blocks,
          grain,
          (lo, hi) -> {
            float[] buf = new float[len];
            double[] stats = new double[2];
            for (int blk = lo; blk < hi; blk++) {
              xs.f.get(blk * len, buf, 0, len);
              VectorKernels.groupNormBlock(
                  buf, cpg, spatial, wf, bf, (blk % groups) * cpg, eps, stats);
              means[blk] = stats[0];
              rstds[blk] = stats[1];
              os.f.put(blk * len, buf, 0, len);
            }
          });
    }
    Parallel.forRange(
        simd ? 0 : blocks,
        grain,
        (lo, hi) -> {
          for (int blk = lo; blk < hi; blk++) {
            int base = blk * len;
            double sum = 0;
            for (int k = 0; k < len; k++) {
              sum += f32 ? xs.f.get(base + k) : xs.d.get(base + k);
            }
            double mean = len == 0 ? 0 : sum / len;
            double sq = 0;
            for (int k = 0; k < len; k++) {
              double dv = (f32 ? xs.f.get(base + k) : xs.d.get(base + k)) - mean;
              sq += dv * dv;
            }
            double rstd = 1.0 / Math.sqrt((len == 0 ? 0 : sq / len) + eps);
            means[blk] = mean;
            rstds[blk] = rstd;
            int g = blk % groups;
            for (int ci = 0; ci < cpg; ci++) {
              int ch = g * cpg + ci;
              // Fold normalisation and the affine map into one scale and shift per channel.
              double scale = rstd * (ws == null ? 1 : ws.getDouble(ch));
              double shift = (bs == null ? 0 : bs.getDouble(ch)) - mean * scale;
              int from = base + ci * spatial;
              if (f32) {
                for (int k = 0; k < spatial; k++) {
                  os.f.put(from + k, (float) (xs.f.get(from + k) * scale + shift));
                }
              } else {
                for (int k = 0; k < spatial; k++) {
                  os.d.put(from + k, xs.d.get(from + k) * scale + shift);
                }
              }
            }
          }
        });
    if (!Engine.needsRecord(x, w, b)) {
      return out;
    }
    Tensor[] saved = w == null ? new Tensor[] {x} : new Tensor[] {x, w};
    return Engine.record(
        op,
        out,
        new Tensor[] {x, w, b},
        (gr, need) -> {
          Storage gs = gr.storage();
          Tensor gx = need[0] ? Tensor.empty(type, s) : null;
          Storage gxs = gx == null ? null : gx.storage();
          // Per-block partial sums of the weight and bias gradients, reduced in block order
          // afterwards so that the result does not depend on the thread split.
          double[] pgw = new double[blocks * cpg];
          double[] pgb = new double[blocks * cpg];
          if (simd) {
            Parallel.forRange(
                blocks,
                grain,
                (lo, hi) -> {
                  float[] xBuf = new float[len];
                  float[] gBuf = new float[len];
                  float[] dBuf = gxs == null ? null : new float[len];
                  for (int blk = lo; blk < hi; blk++) {
                    xs.f.get(blk * len, xBuf, 0, len);
                    gs.f.get(blk * len, gBuf, 0, len);
                    VectorKernels.groupNormBlockBackward(
                        xBuf,
                        gBuf,
                        dBuf,
                        cpg,
                        spatial,
                        means[blk],
                        rstds[blk],
                        wf,
                        (blk % groups) * cpg,
                        pgw,
                        pgb,
                        blk * cpg);
                    if (dBuf != null) {
                      gxs.f.put(blk * len, dBuf, 0, len);
                    }
                  }
                });
          }
          Parallel.forRange(
              simd ? 0 : blocks,
              grain,
              (lo, hi) -> {
                for (int blk = lo; blk < hi; blk++) {
                  int base = blk * len;
                  int g = blk % groups;
                  double mean = means[blk];
                  double rstd = rstds[blk];
                  // Sums over the block of dxhat and dxhat·xhat, where dxhat = dy·weight.
                  double sumD = 0;
                  double sumDX = 0;
                  for (int ci = 0; ci < cpg; ci++) {
                    int ch = g * cpg + ci;
                    double wv = ws == null ? 1 : ws.getDouble(ch);
                    int from = base + ci * spatial;
                    double sg = 0;
                    double sgx = 0;
                    if (f32) {
                      for (int k = 0; k < spatial; k++) {
                        double gv = gs.f.get(from + k);
                        sg += gv;
                        sgx += gv * (xs.f.get(from + k) - mean);
                      }
                    } else {
                      for (int k = 0; k < spatial; k++) {
                        double gv = gs.d.get(from + k);
                        sg += gv;
                        sgx += gv * (xs.d.get(from + k) - mean);
                      }
                    }
                    sgx *= rstd;
                    pgw[blk * cpg + ci] = sgx;
                    pgb[blk * cpg + ci] = sg;
                    sumD += sg * wv;
                    sumDX += sgx * wv;
                  }
                  if (gxs == null || len == 0) {
                    continue;
                  }
                  double md = sumD / len;
                  double mdx = sumDX / len;
                  for (int ci = 0; ci < cpg; ci++) {
                    int ch = g * cpg + ci;
                    double wv = ws == null ? 1 : ws.getDouble(ch);
                    int from = base + ci * spatial;
                    // dx = rstd · (dy·w - mean(dxhat) - xhat · mean(dxhat·xhat))
                    if (f32) {
                      for (int k = 0; k < spatial; k++) {
                        double xh = (xs.f.get(from + k) - mean) * rstd;
                        gxs.f.put(
                            from + k, (float) (rstd * (gs.f.get(from + k) * wv - md - xh * mdx)));
                      }
                    } else {
                      for (int k = 0; k < spatial; k++) {
                        double xh = (xs.d.get(from + k) - mean) * rstd;
                        gxs.d.put(from + k, rstd * (gs.d.get(from + k) * wv - md - xh * mdx));
                      }
                    }
                  }
                }
              });
          double[] gw = new double[c];
          double[] gb = new double[c];
          for (int blk = 0; blk < blocks; blk++) {
            int g = blk % groups;
            for (int ci = 0; ci < cpg; ci++) {
              gw[g * cpg + ci] += pgw[blk * cpg + ci];
              gb[g * cpg + ci] += pgb[blk * cpg + ci];
            }
          }
          return new Tensor[] {
            gx, need[1] ? fromDoubles(type, gw) : null, need[2] ? fromDoubles(type, gb) : null
          };
        },
        saved);
  }

  /** The first {@code n} elements of a FLOAT32 storage. */
  private static float[] floats(Storage st, int n) {
    float[] out = new float[n];
    st.f.get(0, out, 0, n);
    return out;
  }

  private static Tensor fromDoubles(DType type, double[] v) {
    Tensor t = Tensor.empty(type, v.length);
    for (int k = 0; k < v.length; k++) {
      t.storage().setDouble(k, v[k]);
    }
    return t;
  }
}
