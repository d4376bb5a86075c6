package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.nn.init.Init;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * Affine layer {@code y = x·Wᵀ + b} (PyTorch's {@code nn.Linear}): {@code weight [out, in]},
 * optional {@code bias [out]}, both of the default dtype, initialised as PyTorch does from {@code
 * U(-1/√in, 1/√in)} (Kaiming uniform with {@code a = √5} for the weight), weight drawn first.
 */
public class Linear extends Module implements UnaryModule {
  private final long inFeatures;
  private final long outFeatures;
  private final boolean hasBias;

  /**
   * A linear layer mapping {@code [..., in]} to {@code [..., out]}.
   *
   * @throws IllegalArgumentException if a size is negative
   */
  public Linear(long inFeatures, long outFeatures, boolean bias, Generator g) {
    if (inFeatures < 0 || outFeatures < 0) {
      throw new IllegalArgumentException(
          "Linear: in_features and out_features must be non-negative, got "
              + inFeatures
              + " and "
              + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.hasBias = bias;
    Tensor w =
        registerParameter("weight", Tensor.empty(Tensor.defaultDType(), outFeatures, inFeatures));
    Init.kaimingUniform_(w, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, g);
    if (bias) {
      Tensor b = registerParameter("bias", Tensor.empty(Tensor.defaultDType(), outFeatures));
      double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      Init.uniform_(b, -bound, bound, g);
    }
  }

  /** A linear layer with a bias. */
  public Linear(long inFeatures, long outFeatures, Generator g) {
    this(inFeatures, outFeatures, true, g);
  }

  /** {@code F.linear(x, weight, bias)}: {@code [..., in]} to {@code [..., out]}. */
  @Override
  public Tensor forward(Tensor x) {
    return F.linear(x, weight(), bias());
  }

  /** The weight {@code [out, in]}. */
  public Tensor weight() {
    return getParameter("weight");
  }

  /** The bias {@code [out]}, or null if the layer has none. */
  public Tensor bias() {
    return hasBias ? getParameter("bias") : null;
  }

  /** Input size. */
  public long inFeatures() {
    return inFeatures;
  }

  /** Output size. */
  public long outFeatures() {
    return outFeatures;
  }

  @Override
  public String extraRepr() {
    return "in_features="
        + inFeatures
        + ", out_features="
        + outFeatures
        + ", bias="
        + Repr.pyBool(hasBias);
  }
}
