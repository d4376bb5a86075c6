package dev.residual.nn;

import dev.residual.tensor.Tensor;

/**
 * A module with one tensor input and one tensor output, the shape of layer that {@link Sequential}
 * chains. Implemented by {@link Module} subclasses (the built-in layers and activations).
 */
public interface UnaryModule {
  /** Applies the module to {@code x}. */
  Tensor forward(Tensor x);
}
