package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;

/** 2-D convolution and transposed convolution (NCHW, PyTorch weight layouts), with backward. */
public final class Conv {
  private Conv() {}

  /** See {@code F.conv2d}. */
  public static Tensor conv2d(
      Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
    throw new UnsupportedOperationException("conv2d: not implemented yet");
  }

  /** See {@code F.convTranspose2d}. */
  public static Tensor convTranspose2d(
      Tensor x,
      Tensor w,
      Tensor b,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int groups,
      int[] dilation) {
    throw new UnsupportedOperationException("convTranspose2d: not implemented yet");
  }
}
