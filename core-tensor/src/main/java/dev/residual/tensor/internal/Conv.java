package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.Threads;
import java.util.Arrays;

/**
 * 2-D convolution and transposed convolution (NCHW, PyTorch weight layouts), with backward.
 *
 * <p>Both run as im2col + one BLAS GEMM per sample and group: the receptive fields of a sample are
 * unrolled into a {@code [C/groups · kH · kW, H_out · W_out]} column matrix that the weight
 * multiplies. The transposed convolution is the adjoint of a convolution, so it uses the same two
 * kernels the other way round: a GEMM into columns, then col2im (scatter-add) into the image. A 1x1
 * kernel with unit stride and no padding needs no unrolling at all: the image already is the column
 * matrix, and the GEMM reads it in place.
 */
public final class Conv {
  private Conv() {}

  /**
   * Geometry shared by im2col and col2im: an image of {@code c} channels of {@code h x w} and the
   * {@code oh x ow} grid of kernel positions over it (the conv output, or the transposed conv's
   * input).
   */
  private record Geo(
      int c,
      int h,
      int w,
      int kh,
      int kw,
      int sh,
      int sw,
      int ph,
      int pw,
      int dh,
      int dw,
      int oh,
      int ow) {
    int rows() {
      return c * kh * kw;
    }

    int cols() {
      return oh * ow;
    }

    /** True when the column matrix is the image itself (1x1 kernel, unit stride, no padding). */
    boolean identity() {
      return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && oh == h && ow == w;
    }
  }

  /**
   * 2-D convolution with PyTorch's semantics; see {@code F.conv2d}.
   *
   * @throws IllegalArgumentException for non-floating inputs, inputs that are not 4-D, channel
   *     counts that do not match the weight or groups, a bias that is not {@code [C_out]}, invalid
   *     stride/padding/dilation/groups, or a kernel larger than the padded input
   */
  public static Tensor conv2d(
      Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
    String op = "conv2d";
    Pointwise.requireFloat(op, x);
    Pointwise.requireFloat(op, w);
    long[] xs = x.shape();
    long[] ws = w.shape();
    String shapes = describe(x, w, b);
    checkPair(op, "stride", stride, 1);
    checkPair(op, "padding", padding, 0);
    checkPair(op, "dilation", dilation, 1);
    if (xs.length != 4 || ws.length != 4) {
      throw new IllegalArgumentException(
          op
              + ": expected input [N, C_in, H, W] and weight [C_out, C_in/groups, kH, kW], got "
              + shapes);
    }
    if (groups <= 0) {
      throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
    }
    int n = (int) xs[0];
    int cin = (int) xs[1];
    int cout = (int) ws[0];
    if (cin % groups != 0 || cout % groups != 0) {
      throw new IllegalArgumentException(
          op
              + ": input channels "
              + cin
              + " and output channels "
              + cout
              + " must both be divisible by groups "
              + groups
              + " ("
              + shapes
              + ")");
    }
    int cig = cin / groups;
    int cog = cout / groups;
    if (ws[1] != cig) {
      throw new IllegalArgumentException(
          op
              + ": weight expects "
              + ws[1]
              + " * groups ("
              + groups
              + ") = "
              + ws[1] * groups
              + " input channels, but the input has "
              + cin
              + " ("
              + shapes
              + ")");
    }
    checkBias(op, b, cout, shapes);
    int h = (int) xs[2];
    int wd = (int) xs[3];
    int kh = (int) ws[2];
    int kw = (int) ws[3];
    long numH = (long) h + 2L * padding[0] - (long) dilation[0] * (kh - 1) - 1;
    long numW = (long) wd + 2L * padding[1] - (long) dilation[1] * (kw - 1) - 1;
    if (numH < 0 || numW < 0) {
      throw new IllegalArgumentException(
          op
              + ": the dilated kernel ("
              + ((long) dilation[0] * (kh - 1) + 1)
              + " x "
              + ((long) dilation[1] * (kw - 1) + 1)
              + ") is larger than the padded input ("
              + (h + 2L * padding[0])
              + " x "
              + (wd + 2L * padding[1])
              + "): "
              + shapes
              + ", padding "
              + Arrays.toString(padding)
              + ", dilation "
              + Arrays.toString(dilation));
    }
    int oh = (int) (numH / stride[0] + 1);
    int ow = (int) (numW / stride[1] + 1);
    Geo geo =
        new Geo(
            cig,
            h,
            wd,
            kh,
            kw,
            stride[0],
            stride[1],
            padding[0],
            padding[1],
            dilation[0],
            dilation[1],
            oh,
            ow);

    DType type = promote(op, x, w, b);
    Tensor xc = x.to(type);
    Tensor wc = w.to(type);
    Tensor bc = b == null ? null : b.to(type);
    int kk = geo.rows();
    int l = geo.cols();
    int img = cin * h * wd;
    long[] outShape = {n, cout, oh, ow};
    Tensor out = biasFilled(type, outShape, bc);
    double beta = bc == null ? 0 : 1;
    Storage xst = xc.storage();
    Storage wst = wc.storage();
    Storage ost = out.storage();
    boolean identity = geo.identity();
    // Samples are independent: with several threads, each worker takes a contiguous run of samples
    // with its own column buffer and single-threaded BLAS (each output element is computed by the
    // same products either way, so the result does not depend on the split).
    int workers = (int) Math.min(Threads.get(), n);
    Storage[] cols = new Storage[Math.max(1, workers)];
    Scratch[] scratch = new Scratch[cols.length];
    for (int k = 0; k < cols.length; k++) {
      cols[k] = identity ? null : Tensor.empty(type, kk, l).storage();
      scratch[k] = new Scratch();
    }
    Parallel.Range forward =
        (lo, hi) -> {
          for (int k = lo; k < hi; k++) {
            int from = (int) ((long) k * n / cols.length);
            int to = (int) ((long) (k + 1) * n / cols.length);
            for (int s = from; s < to; s++) {
              for (int g = 0; g < groups; g++) {
                int xOff = s * img + g * cig * h * wd;
                int oOff = (s * cout + g * cog) * l;
                Storage src = cols[k];
                int srcOff = 0;
                if (identity) {
                  src = xst;
                  srcOff = xOff;
                } else {
                  im2col(xst, xOff, geo, cols[k], scratch[k]);
                }
                LinAlg.gemm(
                    false,
                    false,
                    cog,
                    l,
                    kk,
                    1,
                    wst,
                    g * cog * kk,
                    kk,
                    src,
                    srcOff,
                    l,
                    beta,
                    ost,
                    oOff,
                    l);
              }
            }
          }
        };
    if (cols.length > 1) {
      Threads.withSingleThreadedBlas(() -> Parallel.forRange(cols.length, 1, forward));
    } else {
      forward.run(0, 1);
    }
    if (!Engine.needsRecord(xc, wc, bc)) {
      return out;
    }
    return Engine.record(
        op,
        out,
        new Tensor[] {xc, wc, bc},
        (gr, need) -> {
          Storage gs = gr.storage();
          Tensor gx = need[0] ? Tensor.zeros(type, xs) : null;
          Tensor gw = need[1] ? Tensor.zeros(type, ws) : null;
          if (need[0] || need[1]) {
            // Samples go in fixed chunks of BACKWARD_CHUNK, each chunk accumulating its own weight
            // gradient; the chunks are added in order afterwards, so the result does not depend on
            // how many threads share the chunks. The input gradient is per sample.
            int chunks = (n + BACKWARD_CHUNK - 1) / BACKWARD_CHUNK;
            Storage[] gwPart = new Storage[chunks];
            if (need[1]) {
              gwPart[0] = gw.storage();
              for (int c = 1; c < chunks; c++) {
                gwPart[c] = Tensor.zeros(type, ws).storage();
              }
            }
            int bwWorkers = (int) Math.min(Threads.get(), chunks);
            Storage[] bwBufs = new Storage[bwWorkers];
            for (int k = 0; k < bwWorkers; k++) {
              bwBufs[k] = identity ? null : Tensor.empty(type, kk, l).storage();
            }
            Parallel.Range body =
                (lo, hi) -> {
                  for (int k = lo; k < hi; k++) {
                    Storage buf = bwBufs[k];
                    Scratch colScratch = new Scratch();
                    Scratch imgScratch = new Scratch();
                    int cFrom = (int) ((long) k * chunks / bwWorkers);
                    int cTo = (int) ((long) (k + 1) * chunks / bwWorkers);
                    for (int c = cFrom; c < cTo; c++) {
                      int sTo = Math.min(n, (c + 1) * BACKWARD_CHUNK);
                      for (int s = c * BACKWARD_CHUNK; s < sTo; s++) {
                        for (int g = 0; g < groups; g++) {
                          int xOff = s * img + g * cig * h * wd;
                          int gOff = (s * cout + g * cog) * l;
                          int wOff = g * cog * kk;
                          if (need[1]) {
                            // dW_g += dY_g · colsᵀ
                            Storage src = xst;
                            int srcOff = xOff;
                            if (!identity) {
                              im2col(xst, xOff, geo, buf, colScratch);
                              src = buf;
                              srcOff = 0;
                            }
                            LinAlg.gemm(
                                false, true, cog, kk, l, 1, gs, gOff, l, src, srcOff, l, 1,
                                gwPart[c], wOff, kk);
                          }
                          if (need[0]) {
                            // dcols = W_gᵀ · dY_g, scattered back into the image
                            if (identity) {
                              LinAlg.gemm(
                                  true,
                                  false,
                                  kk,
                                  l,
                                  cog,
                                  1,
                                  wst,
                                  wOff,
                                  kk,
                                  gs,
                                  gOff,
                                  l,
                                  0,
                                  gx.storage(),
                                  xOff,
                                  l);
                            } else {
                              LinAlg.gemm(
                                  true, false, kk, l, cog, 1, wst, wOff, kk, gs, gOff, l, 0, buf, 0,
                                  l);
                              col2im(buf, geo, gx.storage(), xOff, imgScratch);
                            }
                          }
                        }
                      }
                    }
                  }
                };
            if (bwWorkers > 1) {
              Threads.withSingleThreadedBlas(() -> Parallel.forRange(bwWorkers, 1, body));
            } else {
              body.run(0, 1);
            }
            if (need[1]) {
              for (int c = 1; c < chunks; c++) {
                addInto(gwPart[0], gwPart[c], (int) gw.numel());
              }
            }
          }
          Tensor gb = need[2] ? channelSums(gr) : null;
          return new Tensor[] {gx, gw, gb};
        },
        xc,
        wc);
  }

  /**
   * Transposed 2-D convolution with PyTorch's semantics; see {@code F.convTranspose2d}.
   *
   * @throws IllegalArgumentException for non-floating inputs, inputs that are not 4-D, channel
   *     counts that do not match the weight or groups, a bias that is not {@code [C_out]}, invalid
   *     stride/padding/dilation/groups, an output padding not smaller than the stride or the
   *     dilation, or an empty output
   */
  public static Tensor convTranspose2d(
      Tensor x,
      Tensor w,
      Tensor b,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int groups,
      int[] dilation) {
    String op = "convTranspose2d";
    Pointwise.requireFloat(op, x);
    Pointwise.requireFloat(op, w);
    long[] xs = x.shape();
    long[] ws = w.shape();
    String shapes = describe(x, w, b);
    checkPair(op, "stride", stride, 1);
    checkPair(op, "padding", padding, 0);
    checkPair(op, "outputPadding", outputPadding, 0);
    checkPair(op, "dilation", dilation, 1);
    if (xs.length != 4 || ws.length != 4) {
      throw new IllegalArgumentException(
          op
              + ": expected input [N, C_in, H, W] and weight [C_in, C_out/groups, kH, kW], got "
              + shapes);
    }
    if (groups <= 0) {
      throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
    }
    for (int k = 0; k < 2; k++) {
      if (outputPadding[k] >= stride[k] && outputPadding[k] >= dilation[k]) {
        throw new IllegalArgumentException(
            op
                + ": output padding "
                + Arrays.toString(outputPadding)
                + " must be smaller than either stride "
                + Arrays.toString(stride)
                + " or dilation "
                + Arrays.toString(dilation));
      }
    }
    int n = (int) xs[0];
    int cin = (int) xs[1];
    if (ws[0] != cin) {
      throw new IllegalArgumentException(
          op
              + ": weight expects "
              + ws[0]
              + " input channels, but the input has "
              + cin
              + " ("
              + shapes
              + ")");
    }
    if (cin % groups != 0) {
      throw new IllegalArgumentException(
          op
              + ": input channels "
              + cin
              + " must be divisible by groups "
              + groups
              + " ("
              + shapes
              + ")");
    }
    int cig = cin / groups;
    int cog = (int) ws[1];
    int cout = cog * groups;
    checkBias(op, b, cout, shapes);
    int h = (int) xs[2];
    int wd = (int) xs[3];
    int kh = (int) ws[2];
    int kw = (int) ws[3];
    long ohL =
        (long) (h - 1) * stride[0]
            - 2L * padding[0]
            + (long) dilation[0] * (kh - 1)
            + outputPadding[0]
            + 1;
    long owL =
        (long) (wd - 1) * stride[1]
            - 2L * padding[1]
            + (long) dilation[1] * (kw - 1)
            + outputPadding[1]
            + 1;
    if (ohL <= 0 || owL <= 0) {
      throw new IllegalArgumentException(
          op
              + ": output size "
              + ohL
              + " x "
              + owL
              + " is not positive for "
              + shapes
              + ", stride "
              + Arrays.toString(stride)
              + ", padding "
              + Arrays.toString(padding)
              + ", dilation "
              + Arrays.toString(dilation));
    }
    int oh = (int) ohL;
    int ow = (int) owL;
    // The output is the image, the input the grid of kernel positions over it.
    Geo geo =
        new Geo(
            cog,
            oh,
            ow,
            kh,
            kw,
            stride[0],
            stride[1],
            padding[0],
            padding[1],
            dilation[0],
            dilation[1],
            h,
            wd);

    DType type = promote(op, x, w, b);
    Tensor xc = x.to(type);
    Tensor wc = w.to(type);
    Tensor bc = b == null ? null : b.to(type);
    int kk = geo.rows();
    int l = geo.cols();
    int outImg = oh * ow;
    long[] outShape = {n, cout, oh, ow};
    Tensor out = biasFilled(type, outShape, bc);
    Storage xst = xc.storage();
    Storage wst = wc.storage();
    Storage ost = out.storage();
    boolean identity = geo.identity();
    Storage cols = identity ? null : Tensor.empty(type, kk, l).storage();
    Scratch fwdScratch = new Scratch();
    for (int s = 0; s < n; s++) {
      for (int g = 0; g < groups; g++) {
        int xOff = (s * cin + g * cig) * l;
        int oOff = (s * cout + g * cog) * outImg;
        int wOff = g * cig * kk;
        if (identity) {
          LinAlg.gemm(true, false, kk, l, cig, 1, wst, wOff, kk, xst, xOff, l, 1, ost, oOff, l);
        } else {
          LinAlg.gemm(true, false, kk, l, cig, 1, wst, wOff, kk, xst, xOff, l, 0, cols, 0, l);
          col2im(cols, geo, ost, oOff, fwdScratch);
        }
      }
    }
    if (!Engine.needsRecord(xc, wc, bc)) {
      return out;
    }
    return Engine.record(
        op,
        out,
        new Tensor[] {xc, wc, bc},
        (gr, need) -> {
          Storage gs = gr.storage();
          Tensor gx = need[0] ? Tensor.empty(type, xs) : null;
          Tensor gw = need[1] ? Tensor.zeros(type, ws) : null;
          Storage buf = identity ? null : Tensor.empty(type, kk, l).storage();
          Scratch colScratch = new Scratch();
          for (int s = 0; s < n && (need[0] || need[1]); s++) {
            for (int g = 0; g < groups; g++) {
              int xOff = (s * cin + g * cig) * l;
              int gOff = (s * cout + g * cog) * outImg;
              int wOff = g * cig * kk;
              Storage src = gs;
              int srcOff = gOff;
              if (!identity) {
                im2col(gs, gOff, geo, buf, colScratch);
                src = buf;
                srcOff = 0;
              }
              if (need[0]) {
                // dx_g = W_g · im2col(dY_g)
                LinAlg.gemm(
                    false,
                    false,
                    cig,
                    l,
                    kk,
                    1,
                    wst,
                    wOff,
                    kk,
                    src,
                    srcOff,
                    l,
                    0,
                    gx.storage(),
                    xOff,
                    l);
              }
              if (need[1]) {
                // dW_g += x_g · im2col(dY_g)ᵀ
                LinAlg.gemm(
                    false,
                    true,
                    cig,
                    kk,
                    l,
                    1,
                    xst,
                    xOff,
                    l,
                    src,
                    srcOff,
                    l,
                    1,
                    gw.storage(),
                    wOff,
                    kk);
              }
            }
          }
          Tensor gb = need[2] ? channelSums(gr) : null;
          return new Tensor[] {gx, gw, gb};
        },
        xc,
        wc);
  }

  // ------------------------------------------------------------------ im2col / col2im

  /**
   * Heap buffers for the FLOAT32 im2col/col2im of one call, reused across its samples and groups:
   * allocating and zeroing a fresh column array per sample cost as much as the sample's GEMM.
   */
  static final class Scratch {
    private float[] image;
    private float[] cols;

    float[] image(int n) {
      if (image == null || image.length != n) {
        image = new float[n];
      }
      return image;
    }

    float[] cols(int n) {
      if (cols == null || cols.length != n) {
        cols = new float[n];
      }
      return cols;
    }
  }

  /**
   * Unrolls the receptive fields of the {@code geo.c x geo.h x geo.w} image at {@code x[xOff..]}
   * into {@code cols [c·kh·kw, oh·ow]}; positions in the padding read as zero.
   */
  static void im2col(Storage x, int xOff, Geo geo, Storage cols) {
    im2col(x, xOff, geo, cols, new Scratch());
  }

  /**
   * {@link #im2col(Storage, int, Geo, Storage)} reusing {@code scratch}'s heap buffers; a scratch
   * used here must not be used for {@link #col2im} (its column buffer keeps zeros at the padding
   * positions, which col2im would overwrite).
   */
  static void im2col(Storage x, int xOff, Geo geo, Storage cols, Scratch scratch) {
    if (x.dtype == DType.FLOAT32) {
      im2colF(x, xOff, geo, cols, scratch);
      return;
    }
    boolean f32 = false;
    int l = geo.cols();
    int ow = geo.ow;
    int sw = geo.sw;
    for (int c = 0; c < geo.c; c++) {
      int plane = xOff + c * geo.h * geo.w;
      for (int i = 0; i < geo.kh; i++) {
        for (int j = 0; j < geo.kw; j++) {
          int row = ((c * geo.kh + i) * geo.kw + j) * l;
          int shift = j * geo.dw - geo.pw;
          int lo = validLo(shift, sw, ow);
          int hi = Math.max(lo, validHi(shift, sw, ow, geo.w));
          for (int r = 0; r < geo.oh; r++) {
            int ih = r * geo.sh - geo.ph + i * geo.dh;
            int dst = row + r * ow;
            if (ih < 0 || ih >= geo.h) {
              zero(cols, f32, dst, ow);
              continue;
            }
            int src = plane + ih * geo.w + shift;
            zero(cols, f32, dst, lo);
            if (f32) {
              for (int q = lo; q < hi; q++) {
                cols.f.put(dst + q, x.f.get(src + q * sw));
              }
            } else {
              for (int q = lo; q < hi; q++) {
                cols.d.put(dst + q, x.d.get(src + q * sw));
              }
            }
            zero(cols, f32, dst + hi, ow - hi);
          }
        }
      }
    }
  }

  /**
   * The adjoint of {@link #im2col}: adds every column entry into the image pixel it was read from
   * ({@code x[xOff..]} must be initialised); entries that fall in the padding are dropped.
   */
  static void col2im(Storage cols, Geo geo, Storage x, int xOff) {
    col2im(cols, geo, x, xOff, new Scratch());
  }

  /** {@link #col2im(Storage, Geo, Storage, int)} reusing {@code scratch}'s heap buffers. */
  static void col2im(Storage cols, Geo geo, Storage x, int xOff, Scratch scratch) {
    if (x.dtype == DType.FLOAT32) {
      col2imF(cols, geo, x, xOff, scratch);
      return;
    }
    boolean f32 = false;
    int l = geo.cols();
    int ow = geo.ow;
    int sw = geo.sw;
    for (int c = 0; c < geo.c; c++) {
      int plane = xOff + c * geo.h * geo.w;
      for (int i = 0; i < geo.kh; i++) {
        for (int j = 0; j < geo.kw; j++) {
          int row = ((c * geo.kh + i) * geo.kw + j) * l;
          int shift = j * geo.dw - geo.pw;
          int lo = validLo(shift, sw, ow);
          int hi = validHi(shift, sw, ow, geo.w);
          for (int r = 0; r < geo.oh; r++) {
            int ih = r * geo.sh - geo.ph + i * geo.dh;
            if (ih < 0 || ih >= geo.h) {
              continue;
            }
            int src = row + r * ow;
            int dst = plane + ih * geo.w + shift;
            if (f32) {
              for (int q = lo; q < hi; q++) {
                int p = dst + q * sw;
                x.f.put(p, x.f.get(p) + cols.f.get(src + q));
              }
            } else {
              for (int q = lo; q < hi; q++) {
                int p = dst + q * sw;
                x.d.put(p, x.d.get(p) + cols.d.get(src + q));
              }
            }
          }
        }
      }
    }
  }

  /**
   * FLOAT32 {@link #im2col}: the image is copied to the heap once and the columns are built in a
   * heap array, then stored with one bulk copy (per-element buffer calls dominated a CNN step).
   */
  private static void im2colF(Storage x, int xOff, Geo geo, Storage cols, Scratch scratch) {
    int l = geo.cols();
    int ow = geo.ow;
    int sw = geo.sw;
    int img = geo.c * geo.h * geo.w;
    float[] xa = scratch.image(img);
    x.f.get(xOff, xa, 0, img);
    // Reused across the samples of a call: only valid positions are written, so the zeros at the
    // padding positions (the same for every sample) survive from the allocation.
    float[] ca = scratch.cols(geo.c * geo.kh * geo.kw * l);
    for (int c = 0; c < geo.c; c++) {
      int plane = c * geo.h * geo.w;
      for (int i = 0; i < geo.kh; i++) {
        for (int j = 0; j < geo.kw; j++) {
          int row = ((c * geo.kh + i) * geo.kw + j) * l;
          int shift = j * geo.dw - geo.pw;
          int lo = validLo(shift, sw, ow);
          int hi = Math.max(lo, validHi(shift, sw, ow, geo.w));
          for (int r = 0; r < geo.oh; r++) {
            int ih = r * geo.sh - geo.ph + i * geo.dh;
            if (ih < 0 || ih >= geo.h) {
              continue; // the heap array starts zeroed: padding reads as 0
            }
            int dst = row + r * ow;
            int src = plane + ih * geo.w + shift;
            if (sw == 1) {
              System.arraycopy(xa, src + lo, ca, dst + lo, hi - lo);
            } else {
              for (int q = lo; q < hi; q++) {
                ca[dst + q] = xa[src + q * sw];
              }
            }
          }
        }
      }
    }
    cols.f.put(0, ca, 0, ca.length);
  }

  /** FLOAT32 {@link #col2im} on heap copies of the columns and the image. */
  private static void col2imF(Storage cols, Geo geo, Storage x, int xOff, Scratch scratch) {
    int l = geo.cols();
    int ow = geo.ow;
    int sw = geo.sw;
    int img = geo.c * geo.h * geo.w;
    float[] xa = scratch.image(img);
    x.f.get(xOff, xa, 0, img);
    float[] ca = scratch.cols(geo.c * geo.kh * geo.kw * l);
    cols.f.get(0, ca, 0, ca.length);
    for (int c = 0; c < geo.c; c++) {
      int plane = c * geo.h * geo.w;
      for (int i = 0; i < geo.kh; i++) {
        for (int j = 0; j < geo.kw; j++) {
          int row = ((c * geo.kh + i) * geo.kw + j) * l;
          int shift = j * geo.dw - geo.pw;
          int lo = validLo(shift, sw, ow);
          int hi = validHi(shift, sw, ow, geo.w);
          for (int r = 0; r < geo.oh; r++) {
            int ih = r * geo.sh - geo.ph + i * geo.dh;
            if (ih < 0 || ih >= geo.h) {
              continue;
            }
            int src = row + r * ow;
            int dst = plane + ih * geo.w + shift;
            for (int q = lo; q < hi; q++) {
              xa[dst + q * sw] += ca[src + q];
            }
          }
        }
      }
    }
    x.f.put(xOff, xa, 0, img);
  }

  /** First output column {@code q} whose input column {@code q·sw + shift} is {@code >= 0}. */
  private static int validLo(int shift, int sw, int ow) {
    return Math.min(ow, Math.max(0, -Math.floorDiv(shift, sw)));
  }

  /** One past the last output column whose input column {@code q·sw + shift} is {@code < w}. */
  private static int validHi(int shift, int sw, int ow, int w) {
    return Math.max(0, Math.min(ow, Math.floorDiv(w - 1 - shift, sw) + 1));
  }

  private static void zero(Storage s, boolean f32, int from, int count) {
    if (f32) {
      for (int k = 0; k < count; k++) {
        s.f.put(from + k, 0f);
      }
    } else {
      for (int k = 0; k < count; k++) {
        s.d.put(from + k, 0.0);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** An output tensor holding the bias broadcast over each channel plane, or zeros. */
  /**
   * Sum of {@code g [N, C, H, W]} over N, H and W: one BLAS column sum per sample (the generic
   * reduction walked every element through a strided loop).
   */
  private static Tensor channelSums(Tensor g) {
    long[] s = g.shape();
    int n = (int) s[0];
    int c = (int) s[1];
    int plane = (int) (s[2] * s[3]);
    if (!g.dtype().isFloatingPoint() || n == 0 || plane == 0) {
      return Reduce.sum(g, new int[] {0, 2, 3}, false);
    }
    // [N, C, HW] viewed as [N*C, HW]: row sums are the transposed view's column sums.
    Tensor rows = Tensor.empty(g.dtype(), (long) n * c);
    LinAlg.rowSums(g.storage(), n * c, plane, rows.storage());
    return Reduce.sum(rows.reshape(n, c), new int[] {0}, false);
  }

  /** Samples per weight-gradient partial sum in conv2d's backward (fixed: see there). */
  private static final int BACKWARD_CHUNK = 8;

  /** {@code dst[0, len) += src[0, len)} for FLOAT32 or FLOAT64 storages. */
  private static void addInto(Storage dst, Storage src, int len) {
    if (dst.f != null) {
      float[] a = new float[len];
      float[] b = new float[len];
      dst.f.get(0, a, 0, len);
      src.f.get(0, b, 0, len);
      for (int k = 0; k < len; k++) {
        a[k] += b[k];
      }
      dst.f.put(0, a, 0, len);
    } else {
      double[] a = new double[len];
      double[] b = new double[len];
      dst.d.get(0, a, 0, len);
      src.d.get(0, b, 0, len);
      for (int k = 0; k < len; k++) {
        a[k] += b[k];
      }
      dst.d.put(0, a, 0, len);
    }
  }

  private static Tensor biasFilled(DType type, long[] shape, Tensor bias) {
    if (bias == null) {
      return Tensor.zeros(type, shape);
    }
    Tensor out = Tensor.empty(type, shape);
    Storage os = out.storage();
    Storage bs = bias.storage();
    int n = (int) shape[0];
    int c = (int) shape[1];
    int plane = (int) (shape[2] * shape[3]);
    if (type == DType.FLOAT32) {
      // One sample's planes built on the heap, then copied into every sample in bulk.
      float[] sample = new float[c * plane];
      for (int ch = 0; ch < c; ch++) {
        Arrays.fill(sample, ch * plane, (ch + 1) * plane, (float) bs.getDouble(ch));
      }
      for (int s = 0; s < n; s++) {
        os.f.put(s * c * plane, sample, 0, sample.length);
      }
      return out;
    }
    for (int s = 0; s < n; s++) {
      for (int ch = 0; ch < c; ch++) {
        double v = bs.getDouble(ch);
        int base = (s * c + ch) * plane;
        for (int k = 0; k < plane; k++) {
          os.d.put(base + k, v);
        }
      }
    }
    return out;
  }

  private static DType promote(String op, Tensor x, Tensor w, Tensor b) {
    DType t = DType.promote(x.dtype(), w.dtype());
    if (b != null) {
      Pointwise.requireFloat(op, b);
      t = DType.promote(t, b.dtype());
    }
    return t;
  }

  private static void checkBias(String op, Tensor b, int cout, String shapes) {
    if (b != null && (b.dim() != 1 || b.size(0) != cout)) {
      throw new IllegalArgumentException(
          op
              + ": bias must have shape ["
              + cout
              + "] (one value per output channel), got "
              + shapes);
    }
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

  private static String describe(Tensor x, Tensor w, Tensor b) {
    return "input "
        + Arrays.toString(x.shape())
        + ", weight "
        + Arrays.toString(w.shape())
        + (b == null ? "" : ", bias " + Arrays.toString(b.shape()));
  }
}
