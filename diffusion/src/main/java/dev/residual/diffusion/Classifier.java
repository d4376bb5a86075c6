package dev.residual.diffusion;

import dev.residual.tensor.Tensor;

/** A time-conditioned classifier of noisy samples, as used by {@link ClassifierGuidance}. */
@FunctionalInterface
public interface Classifier {
  /**
   * @param xt noisy samples {@code [batch, ...]} (floating point; may require grad)
   * @param t INT64 timesteps {@code [batch]}
   * @return unnormalised class scores {@code [batch, classes]}, differentiable with respect to
   *     {@code xt}
   */
  Tensor logits(Tensor xt, Tensor t);
}
