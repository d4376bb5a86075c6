package dev.residual.diffusion;

/**
 * A variance schedule {@code β_0 … β_{T−1}} and the quantities derived from it, all in double
 * precision. Timesteps are 0-based: index {@code t} here is step {@code t + 1} of the papers, so
 * {@code ᾱ_{t−1}} at {@code t = 0} is 1 (no noise before the first step).
 *
 * <ul>
 *   <li>{@link #linear(int)}: Ho et al.'s β from {@code 1e-4} to {@code 0.02} over T = 1000,
 *       rescaled by {@code 1000/T} for other T (improved-DDPM's {@code get_named_beta_schedule}),
 *       so ᾱ_{T−1} stays near 0: 4.0358e-5 at T = 1000, 3.03e-5 at T = 200 (0.132 unscaled).
 *   <li>{@link #cosine(int)}: Nichol &amp; Dhariwal, {@code ᾱ(t) = f(t)/f(0)}, {@code f(t) =
 *       cos²(((t/T + s)/(1 + s))·π/2)}, s = 0.008, {@code β_t = 1 − ᾱ(t+1)/ᾱ(t)} clipped at 0.999.
 * </ul>
 */
public final class NoiseSchedule {
  private final double[] beta;
  private final double[] alpha;
  private final double[] alphaBar;
  private final double[] alphaBarPrev;
  private final double[] posteriorVariance;

  /**
   * A schedule from explicit betas.
   *
   * @param betas {@code β_t} for {@code t = 0 … T−1}, each in {@code (0, 1)}
   * @throws IllegalArgumentException if {@code betas} is empty or a value is outside {@code (0, 1)}
   */
  public NoiseSchedule(double[] betas) {
    if (betas.length == 0) {
      throw new IllegalArgumentException("NoiseSchedule: need at least one beta, got 0");
    }
    int n = betas.length;
    beta = betas.clone();
    alpha = new double[n];
    alphaBar = new double[n];
    alphaBarPrev = new double[n];
    posteriorVariance = new double[n];
    double prod = 1.0;
    for (int t = 0; t < n; t++) {
      double b = beta[t];
      if (!(b > 0 && b < 1)) {
        throw new IllegalArgumentException(
            "NoiseSchedule: beta[" + t + "] = " + b + " is not in (0, 1)");
      }
      alphaBarPrev[t] = prod;
      alpha[t] = 1.0 - b;
      prod *= alpha[t];
      alphaBar[t] = prod;
      posteriorVariance[t] = b * (1.0 - alphaBarPrev[t]) / (1.0 - alphaBar[t]);
    }
  }

  /**
   * Ho et al.'s linear schedule, rescaled by {@code 1000/T}: {@code β_start = 1e-4·1000/T}, {@code
   * β_end = 0.02·1000/T}, evenly spaced over T steps (both ends included).
   *
   * @throws IllegalArgumentException if {@code steps < 2} or the rescaled β_end is not below 1
   */
  public static NoiseSchedule linear(int steps) {
    if (steps < 2) {
      throw new IllegalArgumentException("NoiseSchedule.linear: need T >= 2, got " + steps);
    }
    double scale = 1000.0 / steps;
    double start = 1e-4 * scale;
    double end = 0.02 * scale;
    double[] b = new double[steps];
    for (int i = 0; i < steps; i++) {
      b[i] = start + (end - start) * i / (steps - 1);
    }
    return new NoiseSchedule(b);
  }

  /**
   * Nichol &amp; Dhariwal's cosine schedule with {@code s = 0.008} and β clipped at 0.999.
   *
   * @throws IllegalArgumentException if {@code steps < 1}
   */
  public static NoiseSchedule cosine(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("NoiseSchedule.cosine: need T >= 1, got " + steps);
    }
    double[] b = new double[steps];
    for (int i = 0; i < steps; i++) {
      double a0 = cosineF(i, steps);
      double a1 = cosineF(i + 1, steps);
      b[i] = Math.min(1.0 - a1 / a0, 0.999);
    }
    return new NoiseSchedule(b);
  }

  private static double cosineF(double t, int steps) {
    double c = Math.cos((t / steps + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /** The number of timesteps T. */
  public int steps() {
    return beta.length;
  }

  private int check(int t) {
    if (t < 0 || t >= beta.length) {
      throw new IllegalArgumentException(
          "NoiseSchedule: timestep " + t + " out of range [0, " + beta.length + ")");
    }
    return t;
  }

  /**
   * {@code β_t}.
   *
   * @throws IllegalArgumentException if {@code t} is outside {@code [0, T)} (all accessors)
   */
  public double beta(int t) {
    return beta[check(t)];
  }

  /** {@code α_t = 1 − β_t}. */
  public double alpha(int t) {
    return alpha[check(t)];
  }

  /** {@code ᾱ_t = ∏_{s ≤ t} α_s}. */
  public double alphaBar(int t) {
    return alphaBar[check(t)];
  }

  /** {@code ᾱ_{t−1}}, with {@code ᾱ_{−1} = 1}. */
  public double alphaBarPrev(int t) {
    return alphaBarPrev[check(t)];
  }

  /** The posterior variance {@code β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)} (0 at t = 0). */
  public double posteriorVariance(int t) {
    return posteriorVariance[check(t)];
  }

  /** {@code √β_t}. */
  public double sqrtBeta(int t) {
    return Math.sqrt(beta(t));
  }

  /** {@code √α_t}. */
  public double sqrtAlpha(int t) {
    return Math.sqrt(alpha(t));
  }

  /** {@code √ᾱ_t}. */
  public double sqrtAlphaBar(int t) {
    return Math.sqrt(alphaBar(t));
  }

  /** {@code √(1 − ᾱ_t)}. */
  public double sqrtOneMinusAlphaBar(int t) {
    return Math.sqrt(1.0 - alphaBar(t));
  }

  /** {@code √ᾱ_{t−1}}. */
  public double sqrtAlphaBarPrev(int t) {
    return Math.sqrt(alphaBarPrev(t));
  }

  /** {@code √β̃_t}. */
  public double sqrtPosteriorVariance(int t) {
    return Math.sqrt(posteriorVariance(t));
  }

  /** A copy of all {@code β_t}, length T. */
  public double[] betas() {
    return beta.clone();
  }

  /** A copy of all {@code α_t}, length T. */
  public double[] alphas() {
    return alpha.clone();
  }

  /** A copy of all {@code ᾱ_t}, length T. */
  public double[] alphaBars() {
    return alphaBar.clone();
  }

  /** A copy of all {@code ᾱ_{t−1}}, length T. */
  public double[] alphaBarsPrev() {
    return alphaBarPrev.clone();
  }

  /** A copy of all {@code β̃_t}, length T. */
  public double[] posteriorVariances() {
    return posteriorVariance.clone();
  }
}
