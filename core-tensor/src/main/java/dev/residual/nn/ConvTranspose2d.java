package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * Transposed 2-D convolution layer (PyTorch's {@code nn.ConvTranspose2d}): {@code weight [in,
 * out/groups, kH, kW]} and optional {@code bias [out]}, initialised as PyTorch does: Kaiming
 * uniform with {@code a = √5} whose fan is computed from the weight's layout, so {@code fanIn =
 * out/groups·kH·kW} (PyTorch's quirk, kept for equal statistics), and bias {@code U(±1/√fanIn)}.
 */
public class ConvTranspose2d extends Module implements UnaryModule {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] outputPadding;
  private final int[] dilation;
  private final int groups;
  private final boolean hasBias;

  /**
   * A transposed convolution with {@code {h, w}} arguments, in PyTorch's argument order.
   *
   * @throws IllegalArgumentException if a channel count, kernel size, stride, dilation or group
   *     count is not positive, a padding or output padding is negative, an output padding is not
   *     smaller than the stride or the dilation, or {@code groups} does not divide both channel
   *     counts
   */
  public ConvTranspose2d(
      int inChannels,
      int outChannels,
      int[] kernelSize,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int groups,
      boolean bias,
      int[] dilation,
      Generator g) {
    ConvArgs.channels("ConvTranspose2d", inChannels, outChannels, groups);
    this.kernel = ConvArgs.pair("ConvTranspose2d", "kernel_size", kernelSize, 1);
    this.stride = ConvArgs.pair("ConvTranspose2d", "stride", stride, 1);
    this.padding = ConvArgs.pair("ConvTranspose2d", "padding", padding, 0);
    this.outputPadding = ConvArgs.pair("ConvTranspose2d", "output_padding", outputPadding, 0);
    this.dilation = ConvArgs.pair("ConvTranspose2d", "dilation", dilation, 1);
    for (int k = 0; k < 2; k++) {
      if (this.outputPadding[k] >= this.stride[k] && this.outputPadding[k] >= this.dilation[k]) {
        throw new IllegalArgumentException(
            "ConvTranspose2d: output_padding "
                + Repr.tuple(this.outputPadding)
                + " must be smaller than either stride "
                + Repr.tuple(this.stride)
                + " or dilation "
                + Repr.tuple(this.dilation));
      }
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.hasBias = bias;
    Tensor w =
        registerParameter(
            "weight",
            Tensor.empty(
                Tensor.defaultDType(), inChannels, outChannels / groups, kernel[0], kernel[1]));
    Tensor b =
        bias ? registerParameter("bias", Tensor.empty(Tensor.defaultDType(), outChannels)) : null;
    ConvArgs.reset(w, b, g);
  }

  /** A transposed convolution with square arguments. */
  public ConvTranspose2d(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      int outputPadding,
      int groups,
      boolean bias,
      int dilation,
      Generator g) {
    this(
        inChannels,
        outChannels,
        new int[] {kernelSize, kernelSize},
        new int[] {stride, stride},
        new int[] {padding, padding},
        new int[] {outputPadding, outputPadding},
        groups,
        bias,
        new int[] {dilation, dilation},
        g);
  }

  /** A square transposed convolution with a bias, no output padding, one group, no dilation. */
  public ConvTranspose2d(
      int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator g) {
    this(inChannels, outChannels, kernelSize, stride, padding, 0, 1, true, 1, g);
  }

  /**
   * {@code F.convTranspose2d}: {@code [N, in, H, W]} to {@code [N, out, H_out, W_out]} with {@code
   * H_out = (H - 1)s - 2p + d(k - 1) + outputPadding + 1}.
   *
   * @throws IllegalArgumentException (from F) if the input does not fit
   */
  @Override
  public Tensor forward(Tensor x) {
    return F.convTranspose2d(
        x,
        getParameter("weight"),
        hasBias ? getParameter("bias") : null,
        stride,
        padding,
        outputPadding,
        groups,
        dilation);
  }

  @Override
  public String extraRepr() {
    return ConvArgs.repr(
        inChannels, outChannels, kernel, stride, padding, dilation, outputPadding, groups, hasBias);
  }
}
