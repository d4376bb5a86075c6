package dev.residual.nn;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;

/**
 * Gaussian error linear unit (PyTorch's {@code nn.GELU}): exact {@code x·Φ(x)}, or the tanh
 * approximation used by GPT-2.
 */
public class GELU extends Module implements UnaryModule {
  /** Which formula {@link GELU} computes (PyTorch's {@code approximate} argument). */
  public enum Approximate {
    /** Exact, with the error function. */
    NONE,
    /** {@code 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))}. */
    TANH
  }

  private final Approximate approximate;

  /**
   * A GELU computing {@code approximate}'s formula.
   *
   * @throws IllegalArgumentException if {@code approximate} is null
   */
  public GELU(Approximate approximate) {
    if (approximate == null) {
      throw new IllegalArgumentException("GELU: approximate is null");
    }
    this.approximate = approximate;
  }

  /** The exact GELU. */
  public GELU() {
    this(Approximate.NONE);
  }

  /** {@code F.gelu(x)} or {@code F.geluTanh(x)}; same shape out. */
  @Override
  public Tensor forward(Tensor x) {
    return approximate == Approximate.TANH ? F.geluTanh(x) : F.gelu(x);
  }

  @Override
  public String extraRepr() {
    return "approximate='" + (approximate == Approximate.TANH ? "tanh" : "none") + "'";
  }
}
