package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/**
 * Max pooling of {@code [N, C, H, W]} with a square kernel, stride and padding (PyTorch's {@code
 * nn.MaxPool2d} without dilation or ceil mode).
 */
public class MaxPool2d extends Module implements UnaryModule {
  private final int kernel;
  private final int stride;
  private final int padding;

  /**
   * Max pooling with the given square kernel, stride and padding.
   *
   * @throws IllegalArgumentException if the kernel or stride is not positive, or the padding is
   *     negative or more than half the kernel
   */
  public MaxPool2d(int kernelSize, int stride, int padding) {
    checkPool("MaxPool2d", kernelSize, stride, padding);
    this.kernel = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  /** Max pooling whose stride equals the kernel, no padding. */
  public MaxPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  static void checkPool(String op, int kernel, int stride, int padding) {
    if (kernel <= 0 || stride <= 0) {
      throw new IllegalArgumentException(
          op + ": kernel_size and stride must be positive, got " + kernel + " and " + stride);
    }
    if (padding < 0 || 2 * padding > kernel) {
      throw new IllegalArgumentException(
          op
              + ": padding must be between 0 and half the kernel size "
              + kernel
              + ", got "
              + padding);
    }
  }

  /**
   * {@code F.maxPool2d}: {@code [N, C, H, W]} to {@code [N, C, H_out, W_out]}.
   *
   * @throws IllegalArgumentException (from F) if the input does not fit
   */
  @Override
  public Tensor forward(Tensor x) {
    return F.maxPool2d(
        x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
  }

  @Override
  public String extraRepr() {
    return "kernel_size="
        + kernel
        + ", stride="
        + stride
        + ", padding="
        + padding
        + ", dilation=1, ceil_mode=False";
  }
}
