package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/**
 * Layer normalisation over the trailing dims {@code normalizedShape} (PyTorch's {@code
 * nn.LayerNorm}), with an optional elementwise affine {@code weight} (ones) and {@code bias}
 * (zeros) of that shape.
 */
public class LayerNorm extends Module implements UnaryModule {
  private final long[] normalizedShape;
  private final double eps;
  private final boolean affine;

  /**
   * Layer norm over {@code normalizedShape} with {@code eps} inside the square root.
   *
   * @throws IllegalArgumentException if the shape is empty or has a non-positive size, or {@code
   *     eps} is negative
   */
  public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) {
    if (normalizedShape.length == 0) {
      throw new IllegalArgumentException("LayerNorm: normalized shape must not be empty");
    }
    for (long s : normalizedShape) {
      if (s <= 0) {
        throw new IllegalArgumentException(
            "LayerNorm: normalized shape must be positive, got " + Repr.tuple(normalizedShape));
      }
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("LayerNorm: eps must be non-negative, got " + eps);
    }
    this.normalizedShape = normalizedShape.clone();
    this.eps = eps;
    this.affine = elementwiseAffine;
    if (elementwiseAffine) {
      registerParameter("weight", Tensor.ones(Tensor.defaultDType(), normalizedShape));
      registerParameter("bias", Tensor.zeros(Tensor.defaultDType(), normalizedShape));
    }
  }

  /** Layer norm with {@code eps = 1e-5} and an affine transform. */
  public LayerNorm(long... normalizedShape) {
    this(normalizedShape, 1e-5, true);
  }

  /** {@code F.layerNorm} of {@code x [..., *normalizedShape]}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.layerNorm(
        x,
        normalizedShape,
        affine ? getParameter("weight") : null,
        affine ? getParameter("bias") : null,
        eps);
  }

  @Override
  public String extraRepr() {
    return Repr.tuple(normalizedShape)
        + ", eps="
        + Repr.pyFloat(eps)
        + ", elementwise_affine="
        + Repr.pyBool(affine);
  }
}
