package dev.residual.diffusion;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * Classifier-free guidance (Ho &amp; Salimans) as a {@link Denoiser}: {@code ε̃ = (1 + w)·ε(x, c) −
 * w·ε(x, ∅)}, with the conditional and unconditional predictions computed in one batched call of
 * twice the batch size. The combination has weights summing to 1, so it is equally valid for x0-
 * and v-predicting models (both are affine in ε for fixed {@code x_t} and {@code t}).
 */
public final class ClassifierFreeGuidance implements Denoiser {
  private final Denoiser model;
  private final double w;
  private final long nullLabel;

  /**
   * @param model a class-conditional denoiser trained with labels dropped to {@code nullLabel}
   * @param w the guidance weight ({@code 0} gives the conditional model)
   * @param nullLabel the label meaning "no class" (the model's number of classes, by the {@link
   *     Denoiser} convention)
   * @throws IllegalArgumentException if {@code model} is null or {@code w} is not finite
   */
  public ClassifierFreeGuidance(Denoiser model, double w, long nullLabel) {
    if (model == null || !Double.isFinite(w)) {
      throw new IllegalArgumentException(
          "ClassifierFreeGuidance: need a model and a finite weight, got w " + w);
    }
    this.model = model;
    this.w = w;
    this.nullLabel = nullLabel;
  }

  /** The guidance weight {@code w}. */
  public double weight() {
    return w;
  }

  /**
   * @param xt noisy samples {@code [batch, ...]}
   * @param t INT64 timesteps {@code [batch]}
   * @param y INT64 labels {@code [batch]} (required)
   * @return the guided prediction, the shape of {@code xt}
   * @throws IllegalArgumentException if {@code y} is null or not {@code [batch]}
   */
  @Override
  public Tensor predict(Tensor xt, Tensor t, Tensor y) {
    if (y == null || y.dim() != 1 || y.size(0) != xt.size(0)) {
      throw new IllegalArgumentException(
          "ClassifierFreeGuidance: labels "
              + (y == null ? "null" : Arrays.toString(y.shape()))
              + " must be [batch] for samples "
              + Arrays.toString(xt.shape()));
    }
    long b = xt.size(0);
    Tensor nulls = Tensor.full(nullLabel, y.dtype(), b);
    Tensor out = model.predict(Tensor.cat(0, xt, xt), Tensor.cat(0, t, t), Tensor.cat(0, y, nulls));
    Tensor cond = out.narrow(0, 0, b);
    Tensor uncond = out.narrow(0, b, b);
    return cond.mul(1.0 + w).sub(uncond.mul(w));
  }

  /**
   * Label dropout for training a model usable with classifier-free guidance: a copy of {@code y} in
   * which each label is independently replaced by {@code nullLabel} with probability {@code p} (Ho
   * &amp; Salimans drop 10–20%), one {@code g.nextDouble()} per label.
   *
   * @param y integer labels {@code [batch]}
   * @param p the drop probability in {@code [0, 1]}
   * @param nullLabel the "no class" label
   * @param g the random source
   * @return INT64 labels {@code [batch]}
   * @throws IllegalArgumentException if {@code y} is not a 1-D integer tensor or {@code p} is
   *     outside {@code [0, 1]}
   */
  public static Tensor dropLabels(Tensor y, double p, long nullLabel, Generator g) {
    if (y == null || y.dim() != 1 || y.dtype().isFloatingPoint() || y.dtype() == DType.BOOL) {
      throw new IllegalArgumentException(
          "ClassifierFreeGuidance.dropLabels: expected integer labels [batch], got "
              + (y == null ? "null" : y.dtype() + " of shape " + Arrays.toString(y.shape())));
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "ClassifierFreeGuidance.dropLabels: p must be in [0, 1], got " + p);
    }
    long[] labels = y.toLongArray();
    for (int i = 0; i < labels.length; i++) {
      if (g.nextDouble() < p) {
        labels[i] = nullLabel;
      }
    }
    return Tensor.of(labels);
  }
}
