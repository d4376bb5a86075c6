package dev.residual.nn;

import dev.residual.tensor.Tensor;

/**
 * Flattens dims {@code startDim..endDim} into one (PyTorch's {@code nn.Flatten}, by default all but
 * the batch dim: {@code [N, C, H, W]} to {@code [N, C·H·W]}).
 */
public class Flatten extends Module implements UnaryModule {
  private final int startDim;
  private final int endDim;

  /** Flattens dims {@code startDim..endDim} (negative counts from the end). */
  public Flatten(int startDim, int endDim) {
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** Flattens every dim after the first. */
  public Flatten() {
    this(1, -1);
  }

  /**
   * {@code x.flatten(startDim, endDim)}.
   *
   * @throws IllegalArgumentException if a dim is out of range for {@code x}
   */
  @Override
  public Tensor forward(Tensor x) {
    return x.flatten(startDim, endDim);
  }

  @Override
  public String extraRepr() {
    return "start_dim=" + startDim + ", end_dim=" + endDim;
  }
}
