package dev.residual.nn;

import dev.residual.tensor.Tensor;

/**
 * A chain of single-input modules applied in order (PyTorch's {@code nn.Sequential}); children are
 * named {@code "0"}, {@code "1"}, ... so parameters read {@code 0.weight}, {@code 2.bias}.
 */
public class Sequential extends Module implements UnaryModule {
  private int size;

  /**
   * A chain of {@code layers}, each of which must be a {@link Module}.
   *
   * @throws IllegalArgumentException if a layer is null or not a {@link Module} (a lambda)
   */
  public Sequential(UnaryModule... layers) {
    for (UnaryModule layer : layers) {
      add(layer);
    }
  }

  /**
   * Appends {@code layer} under the next index; returns this.
   *
   * @throws IllegalArgumentException if {@code layer} is null or not a {@link Module}
   */
  public Sequential add(UnaryModule layer) {
    if (!(layer instanceof Module)) {
      throw new IllegalArgumentException(
          "Sequential: element "
              + size
              + " must be a Module implementing UnaryModule, got "
              + (layer == null ? "null" : layer.getClass().getName()));
    }
    registerModule(Integer.toString(size), (Module) layer);
    size++;
    return this;
  }

  /**
   * The layer at {@code index} (negative counts from the end).
   *
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  public Module get(int index) {
    int i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(
          "Sequential: index " + index + " out of range for " + size + " layers");
    }
    return namedChildren().get(Integer.toString(i));
  }

  /** The number of layers. */
  public int size() {
    return size;
  }

  /** Applies every layer in order; the identity for an empty chain. */
  @Override
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (Module m : namedChildren().values()) {
      h = ((UnaryModule) m).forward(h);
    }
    return h;
  }
}
