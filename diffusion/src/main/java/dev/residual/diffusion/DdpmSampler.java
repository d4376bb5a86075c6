package dev.residual.diffusion;

import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * DDPM ancestral sampling (Ho et al., algorithm 2) over all T steps, for any {@link Denoiser}: for
 * {@code t = T−1 … 0}, {@code x_{t−1} = μ_θ(x_t, t) + σ_t·z} with {@code z ~ N(0, I)} ({@code z =
 * 0} at the last step). Without clipping {@code μ_θ = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t}; with clipping,
 * {@code x̂0} is clamped to {@code [−1, 1]} and {@code μ_θ} is the posterior mean {@link
 * GaussianDiffusion#posteriorMean} given that {@code x̂0}. {@code σ_t² = β_t} or {@code β̃_t}
 * ({@link Variance}); {@code σ_t} is its square root. With {@link ClassifierGuidance}, the mean is
 * shifted by {@code s·σ_t²·∇ₓ log p(y | x_t)}.
 *
 * <p>Each step runs in its own {@link MemoryScope}, the denoiser under {@link Tensor#noGrad()}; the
 * classifier gradient, when guiding, is taken outside it, so sampling with classifier guidance must
 * not itself be called inside a no-grad scope. Samples are kept into the caller's scope, if any.
 */
public final class DdpmSampler {
  /** The reverse-process variance {@code σ_t²}. */
  public enum Variance {
    /** {@code σ_t² = β_t} (the upper bound; Ho et al. found both similar). */
    BETA,
    /** {@code σ_t² = β̃_t = β_t (1−ᾱ_{t−1})/(1−ᾱ_t)} (the true posterior variance). */
    POSTERIOR
  }

  private final GaussianDiffusion diffusion;
  private final Variance variance;
  private final boolean clipX0;
  private final ClassifierGuidance guidance;

  /**
   * @param diffusion the process (schedule and prediction type)
   * @param variance which {@code σ_t²}
   * @param clipX0 whether to clamp {@code x̂0} to {@code [−1, 1]}
   * @param guidance classifier guidance, or null
   * @throws IllegalArgumentException if {@code diffusion} or {@code variance} is null
   */
  public DdpmSampler(
      GaussianDiffusion diffusion, Variance variance, boolean clipX0, ClassifierGuidance guidance) {
    if (diffusion == null || variance == null) {
      throw new IllegalArgumentException("DdpmSampler: diffusion and variance are required");
    }
    this.diffusion = diffusion;
    this.variance = variance;
    this.clipX0 = clipX0;
    this.guidance = guidance;
  }

  /** An unguided sampler. */
  public DdpmSampler(GaussianDiffusion diffusion, Variance variance, boolean clipX0) {
    this(diffusion, variance, clipX0, null);
  }

  /**
   * Draws {@code x_T ~ N(0, I)} of the default type from {@code g} and samples.
   *
   * @param shape the sample shape {@code [batch, ...]}
   * @throws IllegalArgumentException as {@link #sample(Denoiser, Tensor, Tensor, Generator)}
   */
  public Tensor sample(Denoiser model, long[] shape, Tensor y, Generator g) {
    return sample(model, Tensor.randn(g, shape), y, g);
  }

  /**
   * Runs the reverse chain from the given {@code x_T}.
   *
   * @param model the denoiser
   * @param xT the starting noise {@code [batch, ...]} (floating point)
   * @param y labels {@code [batch]} for the model and the classifier, or null (required when
   *     guiding)
   * @param g the random source for {@code z}
   * @return the samples, the shape of {@code xT}
   * @throws IllegalArgumentException if {@code xT} is not floating point, or guidance has no labels
   * @throws IllegalStateException if guiding inside a {@link Tensor#noGrad()} scope
   */
  public Tensor sample(Denoiser model, Tensor xT, Tensor y, Generator g) {
    return run(model, xT, y, g, 0).sample();
  }

  /**
   * As {@link #sample(Denoiser, Tensor, Tensor, Generator)}, capturing {@code x_t} and {@code x̂0}
   * at every {@code every}-th step (the first step included).
   *
   * @throws IllegalArgumentException if {@code every < 1}, or as {@code sample}
   */
  public Trajectory sampleTrajectory(Denoiser model, Tensor xT, Tensor y, Generator g, int every) {
    if (every < 1) {
      throw new IllegalArgumentException(
          "DdpmSampler: capture interval must be >= 1, got " + every);
    }
    return run(model, xT, y, g, every);
  }

  private Trajectory run(Denoiser model, Tensor xT, Tensor y, Generator g, int every) {
    Samplers.checkStart("DdpmSampler", xT, y, guidance);
    NoiseSchedule s = diffusion.schedule();
    List<Integer> ts = new ArrayList<>();
    List<Tensor> xs = new ArrayList<>();
    List<Tensor> x0s = new ArrayList<>();
    Tensor x = xT;
    int step = 0;
    for (int t = s.steps() - 1; t >= 0; t--, step++) {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor tt = Tensor.full(t, dev.residual.tensor.DType.INT64, x.size(0));
        double var = variance == Variance.BETA ? s.beta(t) : s.posteriorVariance(t);
        Tensor grad = guidance == null ? null : guidance.gradLogProb(x, tt, y);
        Tensor next;
        try (var noGrad = Tensor.noGrad()) {
          Tensor out = model.predict(x, tt, y);
          Tensor x0 = diffusion.toX0(x, tt, out);
          Tensor mean;
          if (clipX0) {
            x0 = x0.clamp(-1.0, 1.0);
            mean = diffusion.posteriorMean(x0, x, tt);
          } else {
            Tensor eps = diffusion.toEpsilon(x, tt, out);
            mean = x.sub(eps.mul(s.beta(t) / s.sqrtOneMinusAlphaBar(t))).div(s.sqrtAlpha(t));
          }
          if (grad != null) {
            mean = mean.add(grad.mul(guidance.scale() * var));
          }
          next = mean;
          if (t > 0) {
            next = mean.add(Tensor.randn(g, x.shape()).to(x.dtype()).mul(Math.sqrt(var)));
          }
          if (every > 0 && step % every == 0) {
            ts.add(t);
            xs.add(scope.keep(x.clone()));
            x0s.add(scope.keep(x0));
          }
        }
        x = scope.keep(next);
      }
    }
    return new Trajectory(ts, xs, x0s, x);
  }
}
