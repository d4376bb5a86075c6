package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout}): in training mode zeroes each element with
 * probability {@code p}, drawn from the layer's {@link Generator}, and scales the rest by {@code
 * 1/(1-p)}; the identity in evaluation mode.
 */
public class Dropout extends Module implements UnaryModule {
  private final double p;
  private final Generator generator;

  /**
   * Dropout with probability {@code p}, drawing its masks from {@code generator} (kept, not copied:
   * the layer advances it).
   *
   * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1]} or the generator is
   *     null
   */
  public Dropout(double p, Generator generator) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "Dropout: probability has to be between 0 and 1, got " + p);
    }
    if (generator == null) {
      throw new IllegalArgumentException("Dropout: generator is null");
    }
    this.p = p;
    this.generator = generator;
  }

  /** {@code F.dropout(x, p, generator, isTraining())}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return F.dropout(x, p, generator, isTraining());
  }

  /** The drop probability. */
  public double p() {
    return p;
  }

  @Override
  public String extraRepr() {
    return "p=" + Repr.pyFloat(p) + ", inplace=False";
  }
}
