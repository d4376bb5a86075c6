package dev.residual.nn;

import dev.residual.nn.init.Init;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/** Argument checks and PyTorch's default initialisation shared by the convolution layers. */
final class ConvArgs {
  private ConvArgs() {}

  static int[] pair(String op, String what, int[] v, int min) {
    if (v == null || v.length != 2) {
      throw new IllegalArgumentException(op + ": " + what + " must be an {h, w} pair");
    }
    if (v[0] < min || v[1] < min) {
      throw new IllegalArgumentException(
          op + ": " + what + " must be at least " + min + ", got " + Repr.tuple(v));
    }
    return v.clone();
  }

  static void channels(String op, int in, int out, int groups) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException(
          op + ": in_channels and out_channels must be positive, got " + in + " and " + out);
    }
    if (groups <= 0) {
      throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
    }
    if (in % groups != 0) {
      throw new IllegalArgumentException(
          op + ": in_channels (" + in + ") must be divisible by groups (" + groups + ")");
    }
    if (out % groups != 0) {
      throw new IllegalArgumentException(
          op + ": out_channels (" + out + ") must be divisible by groups (" + groups + ")");
    }
  }

  /**
   * PyTorch's {@code _ConvNd.reset_parameters}: Kaiming uniform ({@code a = √5}) weight, then bias
   * from {@code U(±1/√fanIn)} with the fan computed from the weight's layout.
   */
  static void reset(Tensor weight, Tensor bias, Generator g) {
    Init.kaimingUniform_(
        weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, g);
    if (bias != null) {
      long fanIn = Init.calculateFans(weight).fanIn();
      if (fanIn != 0) {
        double bound = 1 / Math.sqrt(fanIn);
        Init.uniform_(bias, -bound, bound, g);
      }
    }
  }

  /** PyTorch's {@code _ConvNd.extra_repr}, omitting entries at their defaults. */
  static String repr(
      int in,
      int out,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      int[] outputPadding,
      int groups,
      boolean bias) {
    StringBuilder sb =
        new StringBuilder()
            .append(in)
            .append(", ")
            .append(out)
            .append(", kernel_size=")
            .append(Repr.tuple(kernel))
            .append(", stride=")
            .append(Repr.tuple(stride));
    if (padding[0] != 0 || padding[1] != 0) {
      sb.append(", padding=").append(Repr.tuple(padding));
    }
    if (dilation[0] != 1 || dilation[1] != 1) {
      sb.append(", dilation=").append(Repr.tuple(dilation));
    }
    if (outputPadding != null && (outputPadding[0] != 0 || outputPadding[1] != 0)) {
      sb.append(", output_padding=").append(Repr.tuple(outputPadding));
    }
    if (groups != 1) {
      sb.append(", groups=").append(groups);
    }
    if (!bias) {
      sb.append(", bias=False");
    }
    return sb.toString();
  }
}
