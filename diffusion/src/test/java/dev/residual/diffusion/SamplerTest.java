package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.DdpmSampler.Variance;
import dev.residual.diffusion.Denoiser.Prediction;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Samplers driven by the exact denoiser of Gaussian data: for {@code x0 ~ N(μ, s²)}, {@code E[ε |
 * x_t] = √(1−ᾱ)(x_t − √ᾱ μ)/(ᾱ s² + 1 − ᾱ)}.
 */
class SamplerTest {
  private static final double MU = 1.5;
  private static final double S = 0.5;
  private static final int N = 2000;

  private final NoiseSchedule schedule = NoiseSchedule.linear(1000);
  private final GaussianDiffusion diffusion = new GaussianDiffusion(schedule, Prediction.EPSILON);

  /** The optimal ε-prediction for N(mu, s²) data, per dimension. */
  static Denoiser gaussianEps(NoiseSchedule schedule, double mu, double s) {
    return (xt, t, y) -> {
      Tensor a = GaussianDiffusion.coefficient(k -> schedule.alphaBar(k), t, xt);
      Tensor num = xt.sub(a.sqrt().mul(mu)).mul(a.rsub(1.0).sqrt());
      return num.div(a.mul(s * s).add(a.rsub(1.0)));
    };
  }

  private static Tensor noise(long seed, long... shape) {
    return Tensor.randn(new Generator(seed), shape).to(DType.FLOAT64);
  }

  private static void assertMoments(Tensor x, double mu, double s, double tol) {
    assertEquals(mu, x.mean().item(), tol, "mean");
    assertEquals(s, x.std(true).item(), tol, "std");
  }

  @Test
  void ddpmWithEitherVarianceReproducesTheDataDistribution() {
    Denoiser model = gaussianEps(schedule, MU, S);
    for (Variance v : Variance.values()) {
      Tensor x =
          new DdpmSampler(diffusion, v, false)
              .sample(model, noise(1, N, 1), null, new Generator(2));
      assertMoments(x, MU, S, 0.05);
    }
  }

  @Test
  void ddimFiftyStepsReproducesTheDataDistributionForEtaZeroAndOne() {
    Denoiser model = gaussianEps(schedule, MU, S);
    for (double eta : new double[] {0.0, 1.0}) {
      Tensor x =
          new DdimSampler(diffusion, 50, eta, false)
              .sample(model, noise(3, N, 1), null, new Generator(4));
      assertMoments(x, MU, S, 0.05);
    }
  }

  @Test
  void ddimWithEtaZeroIsDeterministic() {
    Denoiser model = gaussianEps(schedule, MU, S);
    DdimSampler sampler = new DdimSampler(diffusion, 20, 0.0, false);
    Tensor xT = noise(5, 16, 2);
    double[] a = sampler.sample(model, xT, null, null).toDoubleArray();
    double[] b = sampler.sample(model, xT, null, new Generator(99)).toDoubleArray();
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void ddimWithVAndX0PredictionsMatchesEpsilonPrediction() {
    Denoiser epsModel = gaussianEps(schedule, MU, S);
    GaussianDiffusion dv = new GaussianDiffusion(schedule, Prediction.V);
    GaussianDiffusion dx = new GaussianDiffusion(schedule, Prediction.X0);
    Denoiser vModel =
        (xt, t, y) -> {
          Tensor e = epsModel.predict(xt, t, y);
          return dv.vFromX0Eps(diffusion.x0FromEps(xt, t, e), t, e);
        };
    Denoiser x0Model = (xt, t, y) -> diffusion.x0FromEps(xt, t, epsModel.predict(xt, t, y));
    Tensor xT = noise(6, 32, 1);
    double[] want =
        new DdimSampler(diffusion, 25, 0.0, false).sample(epsModel, xT, null, null).toDoubleArray();
    assertArrayEquals(
        want,
        new DdimSampler(dv, 25, 0.0, false).sample(vModel, xT, null, null).toDoubleArray(),
        1e-9);
    assertArrayEquals(
        want,
        new DdimSampler(dx, 25, 0.0, false).sample(x0Model, xT, null, null).toDoubleArray(),
        1e-9);
  }

  @Test
  void ddimInversionRoundTripsAnImage() {
    Denoiser model = gaussianEps(schedule, MU, S);
    Tensor x0 = noise(7, 4, 1, 3, 3).mul(S).add(MU);
    double previous = Double.POSITIVE_INFINITY;
    for (int steps : new int[] {50, 200, 1000}) {
      DdimSampler sampler = new DdimSampler(diffusion, steps, 0.0, false);
      Tensor latent = sampler.invert(model, x0, null);
      double err = sampler.sample(model, latent, null, null).sub(x0).abs().max().item();
      // the one-evaluation approximation converges as the steps get finer
      assertTrue(err < previous / 2, steps + " steps: round-trip error " + err);
      previous = err;
    }
    DdimSampler sampler = new DdimSampler(diffusion, 50, 0.0, false);
    Tensor latent = sampler.invert(model, x0, null, 20);
    assertEquals(0.0, latent.mean().item(), 0.5);
    double err = sampler.sample(model, latent, null, null).sub(x0).abs().max().item();
    assertTrue(err < 1e-9, "fixed-point round-trip error " + err);
    assertThrows(IllegalArgumentException.class, () -> sampler.invert(model, x0, null, -1));
  }

  @Test
  void ddimWithEtaOneOverAllStepsIsDdpmWithPosteriorVariance() {
    NoiseSchedule small = NoiseSchedule.linear(100);
    GaussianDiffusion d = new GaussianDiffusion(small, Prediction.EPSILON);
    Denoiser model = gaussianEps(small, MU, S);
    Tensor xT = noise(10, 6, 2);
    // both draw one normal tensor per step except the last, from the same seed
    double[] ddpm =
        new DdpmSampler(d, Variance.POSTERIOR, false)
            .sample(model, xT, null, new Generator(11))
            .toDoubleArray();
    double[] ddim =
        new DdimSampler(d, 100, 1.0, false)
            .sample(model, xT, null, new Generator(11))
            .toDoubleArray();
    assertArrayEquals(ddpm, ddim, 1e-9);
  }

  @Test
  void samplingRecordsNoGraphAndKeepsItsResultInTheCallersScope() {
    Tensor w = Tensor.of(new double[] {1.0}).requiresGrad(true);
    Denoiser exact = gaussianEps(schedule, MU, S);
    Denoiser model = (xt, t, y) -> exact.predict(xt, t, y).mul(w);
    double mean;
    try (var scope = dev.residual.tensor.MemoryScope.open()) {
      Tensor x =
          new DdimSampler(diffusion, 10, 0.5, false)
              .sample(model, noise(12, 64, 1), null, new Generator(13));
      assertTrue(!x.requiresGrad());
      mean = x.mean().item();
    }
    assertEquals(MU, mean, 0.3);
  }

  @Test
  void uniformSpacingIsFloorOfITimesTOverS() {
    assertArrayEquals(new int[] {0, 333, 666}, DdimSampler.uniformTimesteps(1000, 3));
    assertArrayEquals(new int[] {0, 20, 40, 60, 80}, DdimSampler.uniformTimesteps(100, 5));
    assertEquals(50, new DdimSampler(diffusion, 50, 0, false).timesteps().length);
    var e =
        assertThrows(IllegalArgumentException.class, () -> DdimSampler.uniformTimesteps(10, 11));
    assertTrue(e.getMessage().contains("steps must be in [1, 10], got 11"));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(diffusion, 10, -1, false));
  }

  @Test
  void linspaceAndTrailingSpacingsEndAtTheLastTimestep() {
    assertArrayEquals(
        new int[] {0, 250, 500, 749, 999}, DdimSampler.Spacing.LINSPACE.timesteps(1000, 5));
    assertArrayEquals(
        new int[] {199, 399, 599, 799, 999}, DdimSampler.Spacing.TRAILING.timesteps(1000, 5));
    assertArrayEquals(new int[] {2, 5, 9}, DdimSampler.Spacing.TRAILING.timesteps(10, 3));
    assertArrayEquals(new int[] {9}, DdimSampler.Spacing.LINSPACE.timesteps(10, 1));
    for (DdimSampler.Spacing sp : DdimSampler.Spacing.values()) {
      for (int steps : new int[] {1, 7, 50, 999, 1000}) {
        int[] t = sp.timesteps(1000, steps);
        assertEquals(steps, t.length, sp + " " + steps);
        assertTrue(t[0] >= 0 && t[steps - 1] <= 999, sp + " " + steps);
        for (int i = 1; i < steps; i++) {
          assertTrue(t[i] > t[i - 1], sp + " " + steps + " not increasing at " + i);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> sp.timesteps(10, 0));
    }
    int[] visited =
        new DdimSampler(diffusion, 4, DdimSampler.Spacing.TRAILING, 0, false, null).timesteps();
    assertEquals(diffusion.schedule().steps() - 1, visited[3]);
  }

  @Test
  void trajectoryCapturesEveryKthStep() {
    Denoiser model = gaussianEps(schedule, MU, S);
    Tensor xT = noise(8, 8, 2);
    Trajectory tr =
        new DdimSampler(diffusion, 10, 0.0, false).sampleTrajectory(model, xT, null, null, 3);
    assertEquals(java.util.List.of(900, 600, 300, 0), tr.timesteps());
    assertEquals(4, tr.xt().size());
    assertEquals(4, tr.x0().size());
    assertArrayEquals(xT.toDoubleArray(), tr.xt().get(0).toDoubleArray(), 0.0);
    // at t = 0 (ᾱ_prev = 1) the last x̂0 is the sample
    assertArrayEquals(tr.x0().get(3).toDoubleArray(), tr.sample().toDoubleArray(), 1e-12);
    Trajectory d =
        new DdpmSampler(diffusion, Variance.BETA, false)
            .sampleTrajectory(model, xT, null, new Generator(1), 250);
    assertEquals(java.util.List.of(999, 749, 499, 249), d.timesteps());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DdpmSampler(diffusion, Variance.BETA, false)
                .sampleTrajectory(model, xT, null, new Generator(1), 0));
  }

  @Test
  void ddpmClippingKeepsPredictionsInRange() {
    Denoiser model = gaussianEps(schedule, 0.0, 0.3);
    Trajectory tr =
        new DdpmSampler(diffusion, Variance.POSTERIOR, true)
            .sampleTrajectory(model, noise(9, 200, 1), null, new Generator(3), 100);
    for (Tensor x0 : tr.x0()) {
      assertTrue(x0.abs().max().item() <= 1.0);
    }
    assertMoments(tr.sample(), 0.0, 0.3, 0.06);
  }

  @Test
  void samplersRejectIntegerStartsAndBadLabels() {
    Denoiser model = gaussianEps(schedule, MU, S);
    DdimSampler ddim = new DdimSampler(diffusion, 5, 0.0, false);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ddim.sample(model, Tensor.of(new long[] {1, 2}), null, null));
    assertTrue(e.getMessage().contains("DdimSampler: expected floating-point samples"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ddim.sample(model, noise(1, 3, 1), Tensor.of(new long[] {1}), null));
    assertTrue(e.getMessage().contains("labels [1] must be [batch] for samples [3, 1]"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DdimSampler(diffusion, 5, 1.0, false).sample(model, noise(1, 3, 1), null, null));
    assertThrows(IllegalArgumentException.class, () -> new DdpmSampler(diffusion, null, false));
  }
}
