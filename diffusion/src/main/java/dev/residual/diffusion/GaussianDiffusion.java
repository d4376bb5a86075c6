package dev.residual.diffusion;

import dev.residual.diffusion.Denoiser.Prediction;
import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * The Gaussian diffusion process of Ho et al. over a {@link NoiseSchedule}: the closed-form forward
 * process, the one-step chain, conversions between ε, x0 and v, the posterior mean, and the
 * training loss. Samples have shape {@code [batch, ...]} (any trailing shape); timesteps are INT64
 * {@code [batch]} in {@code [0, T)}, and each sample's coefficients broadcast over its trailing
 * dims.
 */
public final class GaussianDiffusion {
  private final NoiseSchedule schedule;
  private final Prediction prediction;

  /**
   * @param schedule the noise schedule
   * @param prediction what the denoiser predicts (the training target and how samplers read it)
   * @throws IllegalArgumentException if either argument is null
   */
  public GaussianDiffusion(NoiseSchedule schedule, Prediction prediction) {
    if (schedule == null || prediction == null) {
      throw new IllegalArgumentException("GaussianDiffusion: schedule and prediction are required");
    }
    this.schedule = schedule;
    this.prediction = prediction;
  }

  /** The schedule. */
  public NoiseSchedule schedule() {
    return schedule;
  }

  /** What the denoiser predicts. */
  public Prediction prediction() {
    return prediction;
  }

  /**
   * Per-sample coefficients {@code f(t_b)} shaped {@code [batch, 1, …, 1]} to broadcast against
   * {@code like}, in {@code like}'s type.
   *
   * @param fn the coefficient as a function of the timestep
   * @param t INT64 timesteps {@code [batch]}
   * @param like the tensor {@code [batch, ...]} the coefficients will multiply
   * @throws IllegalArgumentException if {@code t} is not 1-D of length {@code batch} or a timestep
   *     is out of range
   */
  public static Tensor coefficient(IntToDoubleFunction fn, Tensor t, Tensor like) {
    long[] shape = like.shape();
    if (t.dim() != 1 || shape.length == 0 || t.size(0) != shape[0]) {
      throw new IllegalArgumentException(
          "diffusion: timesteps "
              + Arrays.toString(t.shape())
              + " must be [batch] for samples "
              + Arrays.toString(shape));
    }
    long[] ts = t.toLongArray();
    double[] v = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      v[i] = fn.applyAsDouble((int) ts[i]);
    }
    long[] cs = new long[shape.length];
    Arrays.fill(cs, 1);
    cs[0] = shape[0];
    return Tensor.of(v, cs).to(like.dtype());
  }

  private static void sameShape(String op, Tensor a, Tensor b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          op
              + ": shapes "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape())
              + " must be equal");
    }
  }

  /**
   * The forward process in closed form, {@code x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε}.
   *
   * @param x0 clean samples {@code [batch, ...]}
   * @param t INT64 timesteps {@code [batch]}
   * @param eps noise, the shape of {@code x0}
   * @return {@code x_t}, the shape of {@code x0}
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor qSample(Tensor x0, Tensor t, Tensor eps) {
    sameShape("qSample", x0, eps);
    return x0.mul(coefficient(schedule::sqrtAlphaBar, t, x0))
        .add(eps.mul(coefficient(schedule::sqrtOneMinusAlphaBar, t, x0)));
  }

  /**
   * One step of the forward chain, {@code x_t = √α_t·x_{t−1} + √β_t·z}; applying it for {@code t =
   * 0, 1, …} gives the same marginals as {@link #qSample}.
   *
   * @param xPrev {@code x_{t−1}} {@code [batch, ...]} ({@code x0} at {@code t = 0})
   * @param t INT64 timesteps {@code [batch]}
   * @param z standard normal noise, the shape of {@code xPrev}
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor qStep(Tensor xPrev, Tensor t, Tensor z) {
    sameShape("qStep", xPrev, z);
    return xPrev
        .mul(coefficient(schedule::sqrtAlpha, t, xPrev))
        .add(z.mul(coefficient(schedule::sqrtBeta, t, xPrev)));
  }

  /**
   * {@code x̂0 = (x_t − √(1−ᾱ_t)·ε) / √ᾱ_t}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor x0FromEps(Tensor xt, Tensor t, Tensor eps) {
    sameShape("x0FromEps", xt, eps);
    return xt.sub(eps.mul(coefficient(schedule::sqrtOneMinusAlphaBar, t, xt)))
        .div(coefficient(schedule::sqrtAlphaBar, t, xt));
  }

  /**
   * {@code ε̂ = (x_t − √ᾱ_t·x0) / √(1−ᾱ_t)}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor epsFromX0(Tensor xt, Tensor t, Tensor x0) {
    sameShape("epsFromX0", xt, x0);
    return xt.sub(x0.mul(coefficient(schedule::sqrtAlphaBar, t, xt)))
        .div(coefficient(schedule::sqrtOneMinusAlphaBar, t, xt));
  }

  /**
   * {@code v = √ᾱ_t·ε − √(1−ᾱ_t)·x0} (Salimans &amp; Ho).
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor vFromX0Eps(Tensor x0, Tensor t, Tensor eps) {
    sameShape("vFromX0Eps", x0, eps);
    return eps.mul(coefficient(schedule::sqrtAlphaBar, t, x0))
        .sub(x0.mul(coefficient(schedule::sqrtOneMinusAlphaBar, t, x0)));
  }

  /**
   * {@code x̂0 = √ᾱ_t·x_t − √(1−ᾱ_t)·v}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor x0FromV(Tensor xt, Tensor t, Tensor v) {
    sameShape("x0FromV", xt, v);
    return xt.mul(coefficient(schedule::sqrtAlphaBar, t, xt))
        .sub(v.mul(coefficient(schedule::sqrtOneMinusAlphaBar, t, xt)));
  }

  /**
   * {@code ε̂ = √(1−ᾱ_t)·x_t + √ᾱ_t·v}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor epsFromV(Tensor xt, Tensor t, Tensor v) {
    sameShape("epsFromV", xt, v);
    return xt.mul(coefficient(schedule::sqrtOneMinusAlphaBar, t, xt))
        .add(v.mul(coefficient(schedule::sqrtAlphaBar, t, xt)));
  }

  /**
   * Reads a denoiser output of this process's {@link #prediction()} as ε̂.
   *
   * @param xt noisy samples {@code [batch, ...]}
   * @param t INT64 timesteps {@code [batch]}
   * @param output the denoiser's output, the shape of {@code xt}
   * @throws IllegalArgumentException if the shapes differ
   */
  public Tensor toEpsilon(Tensor xt, Tensor t, Tensor output) {
    return switch (prediction) {
      case EPSILON -> {
        sameShape("toEpsilon", xt, output);
        yield output;
      }
      case X0 -> epsFromX0(xt, t, output);
      case V -> epsFromV(xt, t, output);
    };
  }

  /**
   * Reads a denoiser output of this process's {@link #prediction()} as x̂0.
   *
   * @throws IllegalArgumentException if the shapes differ
   */
  public Tensor toX0(Tensor xt, Tensor t, Tensor output) {
    return switch (prediction) {
      case EPSILON -> x0FromEps(xt, t, output);
      case X0 -> {
        sameShape("toX0", xt, output);
        yield output;
      }
      case V -> x0FromV(xt, t, output);
    };
  }

  /**
   * The mean of the posterior {@code q(x_{t−1} | x_t, x0)}: {@code μ̃ = √ᾱ_{t−1} β_t/(1−ᾱ_t)·x0 +
   * √α_t (1−ᾱ_{t−1})/(1−ᾱ_t)·x_t}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor posteriorMean(Tensor x0, Tensor xt, Tensor t) {
    sameShape("posteriorMean", x0, xt);
    NoiseSchedule s = schedule;
    Tensor c0 = coefficient(k -> s.sqrtAlphaBarPrev(k) * s.beta(k) / (1.0 - s.alphaBar(k)), t, xt);
    Tensor ct =
        coefficient(k -> s.sqrtAlpha(k) * (1.0 - s.alphaBarPrev(k)) / (1.0 - s.alphaBar(k)), t, xt);
    return x0.mul(c0).add(xt.mul(ct));
  }

  /**
   * The regression target for {@link #prediction()}: ε, x0, or {@code v = √ᾱ_t ε − √(1−ᾱ_t) x0}.
   *
   * @throws IllegalArgumentException if the shapes differ or {@code t} is not {@code [batch]}
   */
  public Tensor target(Tensor x0, Tensor t, Tensor eps) {
    sameShape("target", x0, eps);
    return switch (prediction) {
      case EPSILON -> eps;
      case X0 -> x0;
      case V -> vFromX0Eps(x0, t, eps);
    };
  }

  /**
   * The unweighted training loss (Ho et al.'s "simple" objective): {@code t ~ U{0 … T−1}} and
   * {@code ε ~ N(0, I)} drawn from {@code g}, {@code x_t = qSample(x0, t, ε)}, and the mean squared
   * error between the denoiser's output and {@link #target}. Gradients flow into the denoiser's
   * parameters.
   *
   * @param model the denoiser
   * @param x0 clean samples {@code [batch, ...]} (floating point)
   * @param y labels {@code [batch]} passed to the model, or null
   * @param g the random source for t and ε
   * @return a scalar tensor
   * @throws IllegalArgumentException if {@code x0} is not floating point or the model's output is
   *     not the shape of {@code x0}
   */
  public Tensor loss(Denoiser model, Tensor x0, Tensor y, Generator g) {
    return loss(model, x0, y, g, null);
  }

  /**
   * The training loss with per-timestep weights: {@code mean_b( w[t_b] · mean_{...}((out −
   * target)²) )}; with {@code weights == null} this is the plain MSE.
   *
   * @param weights a weight per timestep (length T), or null
   * @throws IllegalArgumentException as {@link #loss(Denoiser, Tensor, Tensor, Generator)}, or if
   *     {@code weights} does not have length T
   */
  public Tensor loss(Denoiser model, Tensor x0, Tensor y, Generator g, double[] weights) {
    if (!x0.dtype().isFloatingPoint() || x0.dim() < 1) {
      throw new IllegalArgumentException(
          "diffusion loss: expected floating-point samples [batch, ...], got "
              + x0.dtype()
              + " of shape "
              + Arrays.toString(x0.shape()));
    }
    if (weights != null && weights.length != schedule.steps()) {
      throw new IllegalArgumentException(
          "diffusion loss: weights have length "
              + weights.length
              + " but the schedule has T = "
              + schedule.steps());
    }
    long b = x0.size(0);
    Tensor t = Tensor.randint(g, 0, schedule.steps(), b);
    Tensor eps = Tensor.randn(g, x0.shape()).to(x0.dtype());
    Tensor xt = qSample(x0, t, eps);
    Tensor out = model.predict(xt, t, y);
    sameShape("diffusion loss (model output vs x0)", out, x0);
    Tensor tgt = target(x0, t, eps);
    if (weights == null) {
      return F.mseLoss(out, tgt);
    }
    Tensor sq = out.sub(tgt).square();
    Tensor w = coefficient(k -> weights[k], t, x0);
    // weight each sample's squared error; dividing by numel keeps the scale of the plain MSE
    return sq.mul(w).sum().div((double) x0.numel());
  }
}
