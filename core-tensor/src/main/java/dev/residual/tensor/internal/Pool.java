package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/** 2-D max and average pooling and nearest-neighbour interpolation (NCHW), with backward. */
public final class Pool {
  private Pool() {}

  /** Pooling geometry: planes of {@code h x w} pooled to {@code oh x ow}. */
  private record Geo(
      int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {}

  /**
   * Max pooling of {@code x [N, C, H, W]}; padding acts as {@code -inf}. Output {@code [N, C,
   * H_out, W_out]} with {@code H_out = (H + 2p - k) / s + 1}. NaN propagates; on ties the gradient
   * goes to the first maximum in row-major window order (PyTorch's CPU kernel).
   *
   * @throws IllegalArgumentException for non-floating or non-4-D input, non-positive kernel or
   *     stride, padding that is negative or more than half the kernel, or an empty output
   */
  public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    String op = "maxPool2d";
    Geo geo = geometry(op, x, kernel, stride, padding);
    boolean f32 = x.dtype() == DType.FLOAT32;
    long[] xs = x.shape();
    Tensor out = Tensor.empty(x.dtype(), xs[0], xs[1], geo.oh, geo.ow);
    Storage in = x.storage();
    Storage os = out.storage();
    int plane = geo.h * geo.w;
    int oPlane = geo.oh * geo.ow;
    // Flat index within the input plane of each output's maximum, for backward.
    int[] argmax = new int[geo.planes * oPlane];
    // FLOAT32 works on heap copies: per-element buffer calls dominated a CNN step.
    float[] xa = f32 ? new float[in.length] : null;
    float[] oa = f32 ? new float[os.length] : null;
    if (f32) {
      in.f.get(0, xa, 0, in.length);
    }
    boolean twoByTwo =
        f32
            && geo.kh == 2
            && geo.kw == 2
            && geo.sh == 2
            && geo.sw == 2
            && geo.ph == 0
            && geo.pw == 0;
    for (int p = 0; twoByTwo && p < geo.planes; p++) {
      // The common 2x2, stride-2 window unrolled: same order and tie/NaN rule as the loop below.
      int base = p * plane;
      for (int r = 0; r < geo.oh; r++) {
        for (int c = 0; c < geo.ow; c++) {
          int i0 = 2 * r * geo.w + 2 * c;
          int best = i0;
          float max = xa[base + i0];
          for (int k = 1; k < 4; k++) {
            int t = i0 + (k >> 1) * geo.w + (k & 1);
            float v = xa[base + t];
            if (v > max || Float.isNaN(v)) {
              max = v;
              best = t;
            }
          }
          int o = p * oPlane + r * geo.ow + c;
          argmax[o] = best;
          oa[o] = max;
        }
      }
    }
    for (int p = 0; !twoByTwo && p < geo.planes; p++) {
      int base = p * plane;
      for (int r = 0; r < geo.oh; r++) {
        int h0 = r * geo.sh - geo.ph;
        int hs = Math.max(h0, 0);
        int he = Math.min(h0 + geo.kh, geo.h);
        for (int c = 0; c < geo.ow; c++) {
          int w0 = c * geo.sw - geo.pw;
          int ws = Math.max(w0, 0);
          int we = Math.min(w0 + geo.kw, geo.w);
          int best = hs * geo.w + ws;
          double max = Double.NEGATIVE_INFINITY;
          for (int i = hs; i < he; i++) {
            int row = base + i * geo.w;
            for (int j = ws; j < we; j++) {
              double v = f32 ? xa[row + j] : in.d.get(row + j);
              if (v > max || Double.isNaN(v)) {
                max = v;
                best = i * geo.w + j;
              }
            }
          }
          int o = p * oPlane + r * geo.ow + c;
          argmax[o] = best;
          if (f32) {
            oa[o] = (float) max;
          } else {
            os.d.put(o, max);
          }
        }
      }
    }
    if (f32) {
      os.f.put(0, oa, 0, os.length);
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        op,
        out,
        new Tensor[] {x},
        (g, need) -> {
          Tensor gx = Tensor.zeros(x.dtype(), xs);
          Storage gs = g.storage();
          Storage gxs = gx.storage();
          for (int p = 0; p < geo.planes; p++) {
            for (int k = 0; k < oPlane; k++) {
              int o = p * oPlane + k;
              int t = p * plane + argmax[o];
              if (f32) {
                gxs.f.put(t, gxs.f.get(t) + gs.f.get(o));
              } else {
                gxs.d.put(t, gxs.d.get(t) + gs.d.get(o));
              }
            }
          }
          return new Tensor[] {gx};
        });
  }

  /**
   * Average pooling of {@code x [N, C, H, W]} with PyTorch's {@code count_include_pad=True}: every
   * window sum is divided by the kernel area {@code kH·kW}, padded zeros included.
   *
   * @throws IllegalArgumentException as {@link #maxPool2d}
   */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    String op = "avgPool2d";
    Geo geo = geometry(op, x, kernel, stride, padding);
    boolean f32 = x.dtype() == DType.FLOAT32;
    long[] xs = x.shape();
    Tensor out = Tensor.empty(x.dtype(), xs[0], xs[1], geo.oh, geo.ow);
    Storage in = x.storage();
    Storage os = out.storage();
    int plane = geo.h * geo.w;
    int oPlane = geo.oh * geo.ow;
    double inv = 1.0 / (geo.kh * geo.kw);
    for (int p = 0; p < geo.planes; p++) {
      int base = p * plane;
      for (int r = 0; r < geo.oh; r++) {
        int h0 = r * geo.sh - geo.ph;
        int hs = Math.max(h0, 0);
        int he = Math.min(h0 + geo.kh, geo.h);
        for (int c = 0; c < geo.ow; c++) {
          int w0 = c * geo.sw - geo.pw;
          int ws = Math.max(w0, 0);
          int we = Math.min(w0 + geo.kw, geo.w);
          double sum = 0;
          for (int i = hs; i < he; i++) {
            int row = base + i * geo.w;
            if (f32) {
              for (int j = ws; j < we; j++) {
                sum += in.f.get(row + j);
              }
            } else {
              for (int j = ws; j < we; j++) {
                sum += in.d.get(row + j);
              }
            }
          }
          int o = p * oPlane + r * geo.ow + c;
          if (f32) {
            os.f.put(o, (float) (sum * inv));
          } else {
            os.d.put(o, sum * inv);
          }
        }
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        op,
        out,
        new Tensor[] {x},
        (g, need) -> {
          Tensor gx = Tensor.zeros(x.dtype(), xs);
          Storage gs = g.storage();
          Storage gxs = gx.storage();
          for (int p = 0; p < geo.planes; p++) {
            int base = p * plane;
            for (int r = 0; r < geo.oh; r++) {
              int h0 = r * geo.sh - geo.ph;
              int hs = Math.max(h0, 0);
              int he = Math.min(h0 + geo.kh, geo.h);
              for (int c = 0; c < geo.ow; c++) {
                int w0 = c * geo.sw - geo.pw;
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + geo.kw, geo.w);
                double v = gs.getDouble(p * oPlane + r * geo.ow + c) * inv;
                for (int i = hs; i < he; i++) {
                  int row = base + i * geo.w;
                  if (f32) {
                    float fv = (float) v;
                    for (int j = ws; j < we; j++) {
                      gxs.f.put(row + j, gxs.f.get(row + j) + fv);
                    }
                  } else {
                    for (int j = ws; j < we; j++) {
                      gxs.d.put(row + j, gxs.d.get(row + j) + v);
                    }
                  }
                }
              }
            }
          }
          return new Tensor[] {gx};
        });
  }

  /**
   * Nearest-neighbour resize of {@code x [N, C, H, W]} to {@code [N, C, size[0], size[1]]}, with
   * PyTorch's {@code mode="nearest"} source index {@code min(floor(dst · (in/out)), in - 1)}, the
   * scale and product computed in float as PyTorch does. The gradient of an input pixel is the sum
   * over the output pixels that copied it.
   *
   * @throws IllegalArgumentException for BOOL or non-4-D input, an empty input plane, or a size
   *     that is not two positive values
   */
  public static Tensor interpolateNearest(Tensor x, long[] size) {
    String op = "interpolate";
    long[] xs = x.shape();
    if (xs.length != 4) {
      throw new IllegalArgumentException(
          op + ": expected input [N, C, H, W], got " + Arrays.toString(xs));
    }
    if (x.dtype() == DType.BOOL) {
      throw new IllegalArgumentException(op + ": not defined for BOOL tensors");
    }
    if (size == null || size.length != 2 || size[0] <= 0 || size[1] <= 0) {
      throw new IllegalArgumentException(
          op
              + ": size must be two positive values {H_out, W_out}, got "
              + (size == null ? "null" : Arrays.toString(size))
              + " for input "
              + Arrays.toString(xs));
    }
    if (xs[2] == 0 || xs[3] == 0) {
      throw new IllegalArgumentException(
          op + ": input sizes must be positive, got " + Arrays.toString(xs));
    }
    Shape.check(op, new long[] {xs[0], xs[1], size[0], size[1]});
    int h = (int) xs[2];
    int w = (int) xs[3];
    int oh = (int) size[0];
    int ow = (int) size[1];
    int planes = (int) (xs[0] * xs[1]);
    int[] srcH = nearestIndex(h, oh);
    int[] srcW = nearestIndex(w, ow);
    long[] outShape = {xs[0], xs[1], oh, ow};
    Tensor out = Tensor.empty(x.dtype(), outShape);
    Storage in = x.storage();
    Storage os = out.storage();
    int plane = h * w;
    int oPlane = oh * ow;
    for (int p = 0; p < planes; p++) {
      for (int r = 0; r < oh; r++) {
        int src = p * plane + srcH[r] * w;
        int dst = p * oPlane + r * ow;
        switch (x.dtype()) {
          case FLOAT32 -> {
            for (int c = 0; c < ow; c++) {
              os.f.put(dst + c, in.f.get(src + srcW[c]));
            }
          }
          case FLOAT64 -> {
            for (int c = 0; c < ow; c++) {
              os.d.put(dst + c, in.d.get(src + srcW[c]));
            }
          }
          default -> {
            for (int c = 0; c < ow; c++) {
              os.setLong(dst + c, in.getLong(src + srcW[c]));
            }
          }
        }
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    boolean f32 = x.dtype() == DType.FLOAT32;
    return Engine.record(
        op,
        out,
        new Tensor[] {x},
        (g, need) -> {
          Tensor gx = Tensor.zeros(x.dtype(), xs);
          Storage gs = g.storage();
          Storage gxs = gx.storage();
          for (int p = 0; p < planes; p++) {
            for (int r = 0; r < oh; r++) {
              int dst = p * plane + srcH[r] * w;
              int src = p * oPlane + r * ow;
              if (f32) {
                for (int c = 0; c < ow; c++) {
                  int t = dst + srcW[c];
                  gxs.f.put(t, gxs.f.get(t) + gs.f.get(src + c));
                }
              } else {
                for (int c = 0; c < ow; c++) {
                  int t = dst + srcW[c];
                  gxs.d.put(t, gxs.d.get(t) + gs.d.get(src + c));
                }
              }
            }
          }
          return new Tensor[] {gx};
        });
  }

  /** PyTorch's nearest source index for each of {@code out} destinations over {@code in}. */
  static int[] nearestIndex(int in, int out) {
    int[] idx = new int[out];
    float scale = (float) in / (float) out;
    for (int k = 0; k < out; k++) {
      if (out == in) {
        idx[k] = k;
      } else if (out == 2 * in) {
        idx[k] = k >> 1;
      } else {
        idx[k] = Math.min((int) Math.floor((float) k * scale), in - 1);
      }
    }
    return idx;
  }

  private static Geo geometry(String op, Tensor x, int[] kernel, int[] stride, int[] padding) {
    Pointwise.requireFloat(op, x);
    long[] xs = x.shape();
    if (xs.length != 4) {
      throw new IllegalArgumentException(
          op + ": expected input [N, C, H, W], got " + Arrays.toString(xs));
    }
    checkPair(op, "kernel", kernel, 1);
    checkPair(op, "stride", stride, 1);
    checkPair(op, "padding", padding, 0);
    if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
      throw new IllegalArgumentException(
          op
              + ": padding "
              + Arrays.toString(padding)
              + " must be at most half of the kernel "
              + Arrays.toString(kernel));
    }
    int h = (int) xs[2];
    int w = (int) xs[3];
    long numH = (long) h + 2L * padding[0] - kernel[0];
    long numW = (long) w + 2L * padding[1] - kernel[1];
    if (numH < 0 || numW < 0) {
      throw new IllegalArgumentException(
          op
              + ": kernel "
              + Arrays.toString(kernel)
              + " is larger than the padded input ("
              + (h + 2L * padding[0])
              + " x "
              + (w + 2L * padding[1])
              + ") of input "
              + Arrays.toString(xs)
              + " with padding "
              + Arrays.toString(padding));
    }
    return new Geo(
        (int) (xs[0] * xs[1]),
        h,
        w,
        kernel[0],
        kernel[1],
        stride[0],
        stride[1],
        padding[0],
        padding[1],
        (int) (numH / stride[0] + 1),
        (int) (numW / stride[1] + 1));
  }

  private static void checkPair(String op, String name, int[] v, int min) {
    if (v == null || v.length != 2) {
      throw new IllegalArgumentException(
          op
              + ": "
              + name
              + " must be an {h, w} pair, got "
              + (v == null ? "null" : Arrays.toString(v)));
    }
    if (v[0] < min || v[1] < min) {
      throw new IllegalArgumentException(
          op + ": " + name + " must be >= " + min + ", got " + Arrays.toString(v));
    }
  }
}
