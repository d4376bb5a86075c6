package dev.residual.diffusion;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Autograd;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Classifier guidance (Dhariwal &amp; Nichol): the gradient {@code ∇ₓ log p(y | x_t)} of a
 * time-conditioned {@link Classifier}, taken with {@link Autograd#grad} with respect to the input,
 * scaled by {@code s}. {@link DdimSampler} applies it to the noise estimate, {@code ε̂ ← ε̂ −
 * s·√(1−ᾱ_t)·∇}; {@link DdpmSampler} shifts the mean, {@code μ ← μ + s·σ_t²·∇} with the sampler's
 * {@code σ_t²}.
 */
public final class ClassifierGuidance {
  private final Classifier classifier;
  private final double scale;

  /**
   * @param classifier the noisy-sample classifier
   * @param scale the guidance scale {@code s} (0 disables guidance)
   * @throws IllegalArgumentException if {@code classifier} is null or {@code scale} is not finite
   */
  public ClassifierGuidance(Classifier classifier, double scale) {
    if (classifier == null || !Double.isFinite(scale)) {
      throw new IllegalArgumentException(
          "ClassifierGuidance: need a classifier and a finite scale, got scale " + scale);
    }
    this.classifier = classifier;
    this.scale = scale;
  }

  /** The guidance scale {@code s}. */
  public double scale() {
    return scale;
  }

  /**
   * {@code ∇ₓ log softmax(classifier(x_t, t))[y]} per sample, not scaled; the result does not
   * require grad and leaves every {@code grad()} field untouched.
   *
   * @param xt noisy samples {@code [batch, ...]} (floating point)
   * @param t INT64 timesteps {@code [batch]}
   * @param y INT64 requested classes {@code [batch]}
   * @return the gradient, the shape of {@code xt}
   * @throws IllegalStateException if called inside a {@link Tensor#noGrad()} scope
   * @throws IllegalArgumentException if {@code y} is not {@code [batch]} or the logits are not
   *     {@code [batch, classes]}
   */
  public Tensor gradLogProb(Tensor xt, Tensor t, Tensor y) {
    if (!Tensor.isGradEnabled()) {
      throw new IllegalStateException(
          "ClassifierGuidance.gradLogProb: gradients are disabled (inside Tensor.noGrad())");
    }
    if (y == null || y.dim() != 1 || y.size(0) != xt.size(0)) {
      throw new IllegalArgumentException(
          "ClassifierGuidance.gradLogProb: labels "
              + (y == null ? "null" : Arrays.toString(y.shape()))
              + " must be [batch] for samples "
              + Arrays.toString(xt.shape()));
    }
    Tensor x = xt.detach().requiresGrad(true);
    Tensor logits = classifier.logits(x, t);
    if (logits.dim() != 2 || logits.size(0) != xt.size(0)) {
      throw new IllegalArgumentException(
          "ClassifierGuidance.gradLogProb: logits "
              + Arrays.toString(logits.shape())
              + " must be [batch, classes] for samples "
              + Arrays.toString(xt.shape()));
    }
    Tensor logProb = F.logSoftmax(logits, 1).gather(1, y.unsqueeze(1)).sum();
    return Autograd.grad(logProb, List.of(x)).get(0).detach();
  }
}
