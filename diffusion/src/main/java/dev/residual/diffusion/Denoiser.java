package dev.residual.diffusion;

import dev.residual.tensor.Tensor;

/**
 * A network that looks at a noisy sample and predicts what the training objective asks for: the
 * noise {@code ε} (default), the clean sample {@code x0}, or {@code v} ({@link Prediction}).
 */
@FunctionalInterface
public interface Denoiser {
  /**
   * @param xt noisy samples {@code [batch, ...]} (e.g. {@code [B, 2]} points or {@code [B, C, H,
   *     W]} images)
   * @param t integer timesteps {@code [batch]} (INT64) in {@code [0, T)}
   * @param y class labels {@code [batch]} (INT64) for conditional models, or null; a label equal to
   *     the model's number of classes means "no label" (classifier-free guidance)
   * @return the prediction, the same shape as {@code xt}
   */
  Tensor predict(Tensor xt, Tensor t, Tensor y);

  /** What a denoiser's output means. */
  enum Prediction {
    /** The noise: {@code x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε}. */
    EPSILON,
    /** The clean sample. */
    X0,
    /** {@code v = √ᾱ_t ε − √(1−ᾱ_t) x0} (Salimans &amp; Ho). */
    V
  }
}
