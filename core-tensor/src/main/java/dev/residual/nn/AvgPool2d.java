package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/**
 * Average pooling of {@code [N, C, H, W]} with a square kernel, stride and padding, padded zeros
 * counted in the average (PyTorch's {@code nn.AvgPool2d} defaults).
 */
public class AvgPool2d extends Module implements UnaryModule {
  private final int kernel;
  private final int stride;
  private final int padding;

  /**
   * Average pooling with the given square kernel, stride and padding.
   *
   * @throws IllegalArgumentException if the kernel or stride is not positive, or the padding is
   *     negative or more than half the kernel
   */
  public AvgPool2d(int kernelSize, int stride, int padding) {
    MaxPool2d.checkPool("AvgPool2d", kernelSize, stride, padding);
    this.kernel = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  /** Average pooling whose stride equals the kernel, no padding. */
  public AvgPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /**
   * {@code F.avgPool2d}: {@code [N, C, H, W]} to {@code [N, C, H_out, W_out]}.
   *
   * @throws IllegalArgumentException (from F) if the input does not fit
   */
  @Override
  public Tensor forward(Tensor x) {
    return F.avgPool2d(
        x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
  }

  @Override
  public String extraRepr() {
    return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
  }
}
