package dev.residual.tensor.internal;

import dev.residual.tensor.Tensor;

/** 2-D max and average pooling and nearest-neighbour interpolation (NCHW), with backward. */
public final class Pool {
  private Pool() {}

  /** See {@code F.maxPool2d}. */
  public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    throw new UnsupportedOperationException("maxPool2d: not implemented yet");
  }

  /** See {@code F.avgPool2d}. */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    throw new UnsupportedOperationException("avgPool2d: not implemented yet");
  }

  /** See {@code F.interpolate}. */
  public static Tensor interpolateNearest(Tensor x, long[] size) {
    throw new UnsupportedOperationException("interpolate: not implemented yet");
  }
}
