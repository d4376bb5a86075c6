package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/**
 * Group normalisation of {@code [N, C, *]} over {@code numGroups} groups of channels (PyTorch's
 * {@code nn.GroupNorm}), with an optional per-channel affine {@code weight [C]} (ones) and {@code
 * bias [C]} (zeros).
 */
public class GroupNorm extends Module implements UnaryModule {
  private final int numGroups;
  private final int numChannels;
  private final double eps;
  private final boolean affine;

  /**
   * Group norm of {@code numChannels} channels in {@code numGroups} groups.
   *
   * @throws IllegalArgumentException if a count is not positive, {@code numGroups} does not divide
   *     {@code numChannels}, or {@code eps} is negative
   */
  public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
    if (numGroups <= 0 || numChannels <= 0) {
      throw new IllegalArgumentException(
          "GroupNorm: num_groups and num_channels must be positive, got "
              + numGroups
              + " and "
              + numChannels);
    }
    if (numChannels % numGroups != 0) {
      throw new IllegalArgumentException(
          "GroupNorm: num_channels ("
              + numChannels
              + ") must be divisible by num_groups ("
              + numGroups
              + ")");
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("GroupNorm: eps must be non-negative, got " + eps);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = affine;
    if (affine) {
      registerParameter("weight", Tensor.ones(Tensor.defaultDType(), numChannels));
      registerParameter("bias", Tensor.zeros(Tensor.defaultDType(), numChannels));
    }
  }

  /** Group norm with {@code eps = 1e-5} and an affine transform. */
  public GroupNorm(int numGroups, int numChannels) {
    this(numGroups, numChannels, 1e-5, true);
  }

  /** {@code F.groupNorm} of {@code x [N, C, *]}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.groupNorm(
        x,
        numGroups,
        affine ? getParameter("weight") : null,
        affine ? getParameter("bias") : null,
        eps);
  }

  @Override
  public String extraRepr() {
    return numGroups
        + ", "
        + numChannels
        + ", eps="
        + Repr.pyFloat(eps)
        + ", affine="
        + Repr.pyBool(affine);
  }
}
