package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * 2-D convolution layer (PyTorch's {@code nn.Conv2d}): {@code weight [out, in/groups, kH, kW]} and
 * optional {@code bias [out]}, initialised as PyTorch does (Kaiming uniform with {@code a = √5},
 * i.e. {@code U(±1/√fanIn)} with {@code fanIn = in/groups·kH·kW}, for both; weight drawn first).
 */
public class Conv2d extends Module implements UnaryModule {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final int groups;
  private final boolean hasBias;

  /**
   * A convolution with {@code {h, w}} kernel, stride, padding and dilation.
   *
   * @throws IllegalArgumentException if a channel count, kernel size, stride, dilation or group
   *     count is not positive, a padding is negative, or {@code groups} does not divide both
   *     channel counts
   */
  public Conv2d(
      int inChannels,
      int outChannels,
      int[] kernelSize,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups,
      boolean bias,
      Generator g) {
    ConvArgs.channels("Conv2d", inChannels, outChannels, groups);
    this.kernel = ConvArgs.pair("Conv2d", "kernel_size", kernelSize, 1);
    this.stride = ConvArgs.pair("Conv2d", "stride", stride, 1);
    this.padding = ConvArgs.pair("Conv2d", "padding", padding, 0);
    this.dilation = ConvArgs.pair("Conv2d", "dilation", dilation, 1);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.hasBias = bias;
    Tensor w =
        registerParameter(
            "weight",
            Tensor.empty(
                Tensor.defaultDType(), outChannels, inChannels / groups, kernel[0], kernel[1]));
    Tensor b =
        bias ? registerParameter("bias", Tensor.empty(Tensor.defaultDType(), outChannels)) : null;
    ConvArgs.reset(w, b, g);
  }

  /** A convolution with square kernel, stride, padding and dilation. */
  public Conv2d(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      int dilation,
      int groups,
      boolean bias,
      Generator g) {
    this(
        inChannels,
        outChannels,
        new int[] {kernelSize, kernelSize},
        new int[] {stride, stride},
        new int[] {padding, padding},
        new int[] {dilation, dilation},
        groups,
        bias,
        g);
  }

  /** A square-kernel convolution with a bias, no dilation, one group. */
  public Conv2d(
      int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator g) {
    this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, g);
  }

  /** A square-kernel convolution with stride 1, no padding, a bias. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, Generator g) {
    this(inChannels, outChannels, kernelSize, 1, 0, g);
  }

  /**
   * {@code F.conv2d}: {@code [N, in, H, W]} to {@code [N, out, H_out, W_out]}.
   *
   * @throws IllegalArgumentException (from F) if the input does not fit
   */
  @Override
  public Tensor forward(Tensor x) {
    return F.conv2d(
        x,
        getParameter("weight"),
        hasBias ? getParameter("bias") : null,
        stride,
        padding,
        dilation,
        groups);
  }

  @Override
  public String extraRepr() {
    return ConvArgs.repr(
        inChannels, outChannels, kernel, stride, padding, dilation, null, groups, hasBias);
  }
}
