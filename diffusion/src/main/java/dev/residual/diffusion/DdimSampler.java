package dev.residual.diffusion;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * DDIM sampling (Song et al.) over a subsequence of S timesteps, for any {@link Denoiser}.
 *
 * <p><b>Timestep spacing</b> ({@link Spacing}; the default {@link Spacing#UNIFORM} is the DDIM
 * paper's linear skip): {@code τ_i = floor(i·T/S)} for {@code i = 0 … S−1}, so {@code τ_0 = 0} and
 * with {@code S = T} every step is visited; {@link Spacing#LINSPACE} and {@link Spacing#TRAILING}
 * start from {@code T − 1} instead. Sampling walks {@code i = S−1 … 0}; the step from {@code τ_i}
 * goes to {@code τ_{i−1}}, and from {@code τ_0} to the clean sample ({@code ᾱ_prev = 1}):
 *
 * <pre>
 * x_prev = √ᾱ_prev·x̂0 + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z,
 * σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev).
 * </pre>
 *
 * {@code η = 0} is deterministic (no noise is drawn); {@code η = 1} matches DDPM's {@code β̃} when
 * {@code S = T}. With clipping, {@code x̂0} is clamped to {@code [−1, 1]} and {@code ε̂} recomputed
 * from it. With {@link ClassifierGuidance}, {@code ε̂ ← ε̂ − s·√(1−ᾱ_t)·∇ₓ log p(y | x_t)} and
 * {@code x̂0} is recomputed from the guided {@code ε̂}.
 *
 * <p>Each step runs in its own {@link MemoryScope}, the denoiser under {@link Tensor#noGrad()};
 * sampling with classifier guidance must not be called inside a no-grad scope.
 */
public final class DdimSampler {
  /**
   * Which S of the T timesteps DDIM visits (the names of diffusers' {@code timestep_spacing}); all
   * give S distinct increasing timesteps in {@code [0, T)}.
   */
  public enum Spacing {
    /** {@code τ_i = floor(i·T/S)}: starts at 0, ends at {@code T − T/S} (diffusers' "leading"). */
    UNIFORM,
    /** {@code τ_i = round(i·(T−1)/(S−1))}: starts at 0, ends at {@code T − 1}. */
    LINSPACE,
    /**
     * {@code τ_i = round(T − (S−i)·T/S) + round(T/S) − 1}, i.e. {@code T−1, T−1−T/S, …} counted
     * down: ends at {@code T − 1}, starts at {@code T/S − 1} (Lin et al. 2024).
     */
    TRAILING;

    /**
     * The S timesteps of this spacing, increasing.
     *
     * @throws IllegalArgumentException if {@code S} is outside {@code [1, T]}
     */
    public int[] timesteps(int totalSteps, int steps) {
      if (steps < 1 || steps > totalSteps) {
        throw new IllegalArgumentException(
            "DdimSampler: steps must be in [1, " + totalSteps + "], got " + steps);
      }
      int[] out = new int[steps];
      double stride = (double) totalSteps / steps;
      for (int i = 0; i < steps; i++) {
        out[i] =
            switch (this) {
              case UNIFORM -> (int) ((long) i * totalSteps / steps);
              case LINSPACE ->
                  steps == 1
                      ? totalSteps - 1
                      : (int) Math.round(i * (totalSteps - 1.0) / (steps - 1));
              case TRAILING ->
                  (int) (Math.round(totalSteps - (steps - i) * stride) + Math.round(stride) - 1);
            };
      }
      return out;
    }
  }

  private final GaussianDiffusion diffusion;
  private final int[] taus;
  private final double eta;
  private final boolean clipX0;
  private final ClassifierGuidance guidance;

  /**
   * @param diffusion the process
   * @param steps the number of sampling steps S, in {@code [1, T]}
   * @param eta the stochasticity {@code η >= 0}
   * @param clipX0 whether to clamp {@code x̂0} to {@code [−1, 1]}
   * @param guidance classifier guidance, or null
   * @throws IllegalArgumentException if {@code diffusion} is null, {@code steps} is outside {@code
   *     [1, T]} or {@code eta} is negative or not finite
   */
  public DdimSampler(
      GaussianDiffusion diffusion,
      int steps,
      double eta,
      boolean clipX0,
      ClassifierGuidance guidance) {
    this(diffusion, steps, Spacing.UNIFORM, eta, clipX0, guidance);
  }

  /**
   * @param diffusion the process
   * @param steps the number of sampling steps S, in {@code [1, T]}
   * @param spacing which timesteps to visit
   * @param eta the stochasticity {@code η >= 0}
   * @param clipX0 whether to clamp {@code x̂0} to {@code [−1, 1]}
   * @param guidance classifier guidance, or null
   * @throws IllegalArgumentException if {@code diffusion} or {@code spacing} is null, {@code steps}
   *     is outside {@code [1, T]} or {@code eta} is negative or not finite
   */
  public DdimSampler(
      GaussianDiffusion diffusion,
      int steps,
      Spacing spacing,
      double eta,
      boolean clipX0,
      ClassifierGuidance guidance) {
    if (diffusion == null || spacing == null) {
      throw new IllegalArgumentException("DdimSampler: diffusion and spacing are required");
    }
    if (!(eta >= 0) || !Double.isFinite(eta)) {
      throw new IllegalArgumentException("DdimSampler: eta must be finite and >= 0, got " + eta);
    }
    this.diffusion = diffusion;
    this.taus = spacing.timesteps(diffusion.schedule().steps(), steps);
    this.eta = eta;
    this.clipX0 = clipX0;
    this.guidance = guidance;
  }

  /** An unguided sampler. */
  public DdimSampler(GaussianDiffusion diffusion, int steps, double eta, boolean clipX0) {
    this(diffusion, steps, eta, clipX0, null);
  }

  /**
   * The uniform spacing {@code τ_i = floor(i·T/S)}, {@code i = 0 … S−1}, increasing ({@link
   * Spacing#UNIFORM}).
   *
   * @throws IllegalArgumentException if {@code S} is outside {@code [1, T]}
   */
  public static int[] uniformTimesteps(int totalSteps, int steps) {
    return Spacing.UNIFORM.timesteps(totalSteps, steps);
  }

  /** The timesteps this sampler visits, increasing (a copy). */
  public int[] timesteps() {
    return taus.clone();
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
   * Runs the sampler from the given {@code x_T}.
   *
   * @param model the denoiser
   * @param xT the starting noise {@code [batch, ...]} (floating point)
   * @param y labels {@code [batch]}, or null (required when guiding)
   * @param g the random source for {@code z} (unused when {@code η = 0}; may then be null)
   * @return the samples, the shape of {@code xT}
   * @throws IllegalArgumentException if {@code xT} is not floating point, guidance has no labels,
   *     or {@code η > 0} and {@code g} is null
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
          "DdimSampler: capture interval must be >= 1, got " + every);
    }
    return run(model, xT, y, g, every);
  }

  private Trajectory run(Denoiser model, Tensor xT, Tensor y, Generator g, int every) {
    Samplers.checkStart("DdimSampler", xT, y, guidance);
    if (eta > 0 && g == null) {
      throw new IllegalArgumentException("DdimSampler: eta = " + eta + " > 0 needs a Generator");
    }
    NoiseSchedule s = diffusion.schedule();
    List<Integer> ts = new ArrayList<>();
    List<Tensor> xs = new ArrayList<>();
    List<Tensor> x0s = new ArrayList<>();
    Tensor x = xT;
    int step = 0;
    for (int i = taus.length - 1; i >= 0; i--, step++) {
      int t = taus[i];
      double ab = s.alphaBar(t);
      double abPrev = i > 0 ? s.alphaBar(taus[i - 1]) : 1.0;
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor tt = Tensor.full(t, DType.INT64, x.size(0));
        Tensor grad = guidance == null ? null : guidance.gradLogProb(x, tt, y);
        Tensor next;
        try (var noGrad = Tensor.noGrad()) {
          Tensor out = model.predict(x, tt, y);
          Tensor eps = diffusion.toEpsilon(x, tt, out);
          Tensor x0 = diffusion.toX0(x, tt, out);
          if (clipX0) {
            x0 = x0.clamp(-1.0, 1.0);
            eps = diffusion.epsFromX0(x, tt, x0);
          }
          if (grad != null) {
            eps = eps.sub(grad.mul(guidance.scale() * Math.sqrt(1.0 - ab)));
            x0 = diffusion.x0FromEps(x, tt, eps);
          }
          double sigma =
              eta * Math.sqrt((1.0 - abPrev) / (1.0 - ab)) * Math.sqrt(1.0 - ab / abPrev);
          // rounding can make 1 − ᾱ_prev − σ² a hair negative at the last step
          double dirCoef = Math.sqrt(Math.max(0.0, 1.0 - abPrev - sigma * sigma));
          next = x0.mul(Math.sqrt(abPrev)).add(eps.mul(dirCoef));
          if (sigma > 0) {
            next = next.add(Tensor.randn(g, x.shape()).to(x.dtype()).mul(sigma));
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

  /**
   * DDIM inversion with {@code η = 0} and no refinement: {@link #invert(Denoiser, Tensor, Tensor,
   * int)} with 0 fixed-point iterations.
   *
   * @throws IllegalArgumentException as {@link #invert(Denoiser, Tensor, Tensor, int)}
   */
  public Tensor invert(Denoiser model, Tensor x0, Tensor y) {
    return invert(model, x0, y, 0);
  }

  /**
   * DDIM inversion with {@code η = 0}: runs the deterministic update forward, clean sample → noise,
   * over the same timesteps. The step from {@code x_from} (at {@code ᾱ_from}, 1 at the first step)
   * into {@code τ_i} is {@code x̂0 = (x_from − √(1−ᾱ_from)·ε̂)/√ᾱ_from}, {@code x_{τ_i} =
   * √ᾱ_{τ_i}·x̂0 + √(1−ᾱ_{τ_i})·ε̂}. The exact inverse of the sampling step needs {@code ε̂ =
   * ε(x_{τ_i}, τ_i)}, which depends on the unknown result; the usual approximation (0 iterations)
   * takes {@code ε̂ = ε(x_from, τ_i)}, and each fixed-point iteration re-evaluates {@code ε̂} at
   * the latest estimate of {@code x_{τ_i}}. Sampling the result with {@code η = 0} and no clipping
   * gives back {@code x0} up to an error that shrinks with S and with the iterations. This
   * sampler's guidance and clipping are not applied.
   *
   * @param model the denoiser
   * @param x0 clean samples {@code [batch, ...]} (floating point)
   * @param y labels {@code [batch]}, or null
   * @param fixedPointIterations extra denoiser evaluations per step ({@code >= 0})
   * @return the latent {@code x_{τ_{S−1}}}, the shape of {@code x0}
   * @throws IllegalArgumentException if {@code x0} is not floating point, {@code y} is not {@code
   *     [batch]} or {@code fixedPointIterations} is negative
   */
  public Tensor invert(Denoiser model, Tensor x0, Tensor y, int fixedPointIterations) {
    Samplers.checkStart("DdimSampler.invert", x0, y, null);
    if (fixedPointIterations < 0) {
      throw new IllegalArgumentException(
          "DdimSampler.invert: fixedPointIterations must be >= 0, got " + fixedPointIterations);
    }
    NoiseSchedule s = diffusion.schedule();
    Tensor x = x0;
    for (int i = 0; i < taus.length; i++) {
      int t = taus[i];
      double abFrom = i > 0 ? s.alphaBar(taus[i - 1]) : 1.0;
      double abTo = s.alphaBar(t);
      try (MemoryScope scope = MemoryScope.open();
          var noGrad = Tensor.noGrad()) {
        Tensor tt = Tensor.full(t, DType.INT64, x.size(0));
        Tensor guess = x;
        for (int k = 0; k <= fixedPointIterations; k++) {
          Tensor eps = diffusion.toEpsilon(guess, tt, model.predict(guess, tt, y));
          Tensor xHat0 = x.sub(eps.mul(Math.sqrt(1.0 - abFrom))).div(Math.sqrt(abFrom));
          guess = xHat0.mul(Math.sqrt(abTo)).add(eps.mul(Math.sqrt(1.0 - abTo)));
        }
        x = scope.keep(guess);
      }
    }
    return x;
  }
}
