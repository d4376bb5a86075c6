package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.Denoiser.Prediction;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GaussianDiffusionTest {
  private final NoiseSchedule schedule = NoiseSchedule.linear(1000);
  private final GaussianDiffusion eps = new GaussianDiffusion(schedule, Prediction.EPSILON);

  private static Tensor f64(double[] v, long... shape) {
    return Tensor.of(v, shape);
  }

  @Test
  void qSampleAppliesPerSampleCoefficients() {
    Tensor x0 = f64(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor e = f64(new double[] {0.5, -1, 2, 0}, 2, 2);
    Tensor t = Tensor.of(new long[] {0, 999});
    double[] got = eps.qSample(x0, t, e).toDoubleArray();
    double a0 = schedule.alphaBar(0);
    double a1 = schedule.alphaBar(999);
    double[] want = {
      Math.sqrt(a0) * 1 + Math.sqrt(1 - a0) * 0.5,
      Math.sqrt(a0) * 2 - Math.sqrt(1 - a0),
      Math.sqrt(a1) * 3 + Math.sqrt(1 - a1) * 2,
      Math.sqrt(a1) * 4
    };
    assertArrayEquals(want, got, 1e-12);
  }

  @Test
  void qSampleBroadcastsOverImageShapes() {
    Generator g = new Generator(1);
    Tensor x0 = Tensor.randn(g, 3, 2, 4, 4).to(DType.FLOAT64);
    Tensor e = Tensor.randn(g, 3, 2, 4, 4).to(DType.FLOAT64);
    Tensor t = Tensor.of(new long[] {5, 500, 900});
    Tensor xt = eps.qSample(x0, t, e);
    assertArrayEquals(new long[] {3, 2, 4, 4}, xt.shape());
    assertEquals(
        schedule.sqrtAlphaBar(500) * x0.get(1, 1, 2, 3)
            + schedule.sqrtOneMinusAlphaBar(500) * e.get(1, 1, 2, 3),
        xt.get(1, 1, 2, 3),
        1e-12);
  }

  @Test
  void closedFormAndStepByStepChainBothReachStandardNormal() {
    NoiseSchedule s = NoiseSchedule.linear(200);
    GaussianDiffusion d = new GaussianDiffusion(s, Prediction.EPSILON);
    Generator g = new Generator(7);
    int n = 4000;
    Tensor x0 = Tensor.full(3.0, DType.FLOAT64, n);
    Tensor tLast = Tensor.full(199, DType.INT64, n);
    Tensor closed = d.qSample(x0, tLast, Tensor.randn(g, n).to(DType.FLOAT64));
    Tensor x = x0;
    for (int t = 0; t < 200; t++) {
      x = d.qStep(x, Tensor.full(t, DType.INT64, n), Tensor.randn(g, n).to(DType.FLOAT64));
    }
    for (Tensor xt : new Tensor[] {closed, x}) {
      assertEquals(0.0, xt.mean().item(), 0.06);
      assertEquals(1.0, xt.std(true).item(), 0.05);
    }
  }

  @Test
  void conversionsBetweenEpsilonX0AndVRoundTrip() {
    Generator g = new Generator(3);
    Tensor x0 = Tensor.randn(g, 4, 3).to(DType.FLOAT64);
    Tensor e = Tensor.randn(g, 4, 3).to(DType.FLOAT64);
    Tensor t = Tensor.of(new long[] {0, 10, 500, 999});
    Tensor xt = eps.qSample(x0, t, e);
    Tensor v = eps.vFromX0Eps(x0, t, e);
    assertArrayEquals(x0.toDoubleArray(), eps.x0FromEps(xt, t, e).toDoubleArray(), 1e-9);
    assertArrayEquals(e.toDoubleArray(), eps.epsFromX0(xt, t, x0).toDoubleArray(), 1e-9);
    assertArrayEquals(x0.toDoubleArray(), eps.x0FromV(xt, t, v).toDoubleArray(), 1e-12);
    assertArrayEquals(e.toDoubleArray(), eps.epsFromV(xt, t, v).toDoubleArray(), 1e-12);
    GaussianDiffusion dv = new GaussianDiffusion(schedule, Prediction.V);
    GaussianDiffusion dx = new GaussianDiffusion(schedule, Prediction.X0);
    assertArrayEquals(e.toDoubleArray(), dv.toEpsilon(xt, t, v).toDoubleArray(), 1e-12);
    assertArrayEquals(x0.toDoubleArray(), dx.toX0(xt, t, x0).toDoubleArray(), 0.0);
    assertArrayEquals(v.toDoubleArray(), dv.target(x0, t, e).toDoubleArray(), 0.0);
  }

  @Test
  void posteriorMeanMatchesItsFormula() {
    Tensor x0 = f64(new double[] {1.0, -2.0}, 2, 1);
    Tensor xt = f64(new double[] {0.5, 0.25}, 2, 1);
    Tensor t = Tensor.of(new long[] {0, 300});
    double[] got = eps.posteriorMean(x0, xt, t).toDoubleArray();
    NoiseSchedule s = schedule;
    // at t = 0, ᾱ_{−1} = 1 so the posterior mean is x0 itself
    assertEquals(1.0, got[0], 1e-12);
    double c0 = Math.sqrt(s.alphaBarPrev(300)) * s.beta(300) / (1 - s.alphaBar(300));
    double ct = Math.sqrt(s.alpha(300)) * (1 - s.alphaBarPrev(300)) / (1 - s.alphaBar(300));
    assertEquals(c0 * -2.0 + ct * 0.25, got[1], 1e-12);
  }

  @Test
  void lossOfAZeroEpsilonModelIsTheMeanSquareOfTheDrawnNoise() {
    Tensor x0 = Tensor.randn(new Generator(0), 8, 3).to(DType.FLOAT64);
    Denoiser zero = (xt, t, y) -> Tensor.zerosLike(xt);
    double loss = eps.loss(zero, x0, null, new Generator(42)).item();
    Generator g = new Generator(42);
    Tensor.randint(g, 0, 1000, 8);
    Tensor e = Tensor.randn(g, 8, 3).to(DType.FLOAT64);
    assertEquals(e.square().mean().item(), loss, 1e-12);
    double[] ones = new double[1000];
    java.util.Arrays.fill(ones, 1.0);
    assertEquals(loss, eps.loss(zero, x0, null, new Generator(42), ones).item(), 1e-12);
  }

  @Test
  void lossTargetsX0ForAnX0ModelAndBackpropagatesIntoTheDenoiser() {
    Tensor x0 = Tensor.randn(new Generator(0), 8, 3).to(DType.FLOAT64);
    Tensor w = Tensor.of(new double[] {0.5}).requiresGrad(true);
    Denoiser model = (xt, t, y) -> xt.mul(w);
    GaussianDiffusion dx = new GaussianDiffusion(schedule, Prediction.X0);
    Tensor loss = dx.loss(model, x0, null, new Generator(5));
    assertEquals(0, loss.dim());
    Generator g = new Generator(5);
    Tensor t = Tensor.randint(g, 0, 1000, 8);
    Tensor e = Tensor.randn(g, 8, 3).to(DType.FLOAT64);
    Tensor xt = dx.qSample(x0, t, e);
    double want = xt.mul(0.5).sub(x0).square().mean().item();
    assertEquals(want, loss.item(), 1e-12);
    loss.backward();
    assertNotNull(w.grad());
    // d/dw mean((w·x_t − x0)²) = 2·mean((w·x_t − x0)·x_t)
    double dw = xt.mul(0.5).sub(x0).mul(xt).mean().item() * 2;
    assertEquals(dw, w.grad().item(), 1e-12);
  }

  @Test
  void weightedLossWeighsEachSampleByItsTimestep() {
    Tensor x0 = Tensor.randn(new Generator(0), 4, 2).to(DType.FLOAT64);
    Denoiser zero = (xt, t, y) -> Tensor.zerosLike(xt);
    double[] weights = new double[1000];
    for (int i = 0; i < 1000; i++) {
      weights[i] = i;
    }
    double loss = eps.loss(zero, x0, null, new Generator(9), weights).item();
    Generator g = new Generator(9);
    long[] t = Tensor.randint(g, 0, 1000, 4).toLongArray();
    double[] e = Tensor.randn(g, 4, 2).to(DType.FLOAT64).toDoubleArray();
    double want = 0;
    for (int b = 0; b < 4; b++) {
      want += t[b] * (e[2 * b] * e[2 * b] + e[2 * b + 1] * e[2 * b + 1]);
    }
    assertEquals(want / 8, loss, 1e-9);
  }

  @Test
  void qSampleKeepsFloat32AndDifferentiatesIntoX0() {
    Tensor x0 = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
    Tensor e = Tensor.zeros(DType.FLOAT32, 2, 2);
    Tensor t = Tensor.of(new long[] {100, 700});
    Tensor xt = eps.qSample(x0, t, e);
    assertEquals(DType.FLOAT32, xt.dtype());
    xt.sum().backward();
    double a = schedule.sqrtAlphaBar(100);
    double b = schedule.sqrtAlphaBar(700);
    assertArrayEquals(
        new float[] {(float) a, (float) a, (float) b, (float) b}, x0.grad().toFloatArray(), 1e-6f);
  }

  @Test
  void rejectsMismatchedShapesTimestepsAndWeights() {
    Tensor x0 = Tensor.zeros(DType.FLOAT64, 2, 3);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> eps.qSample(x0, Tensor.of(new long[] {1, 2}), Tensor.zeros(DType.FLOAT64, 2, 4)));
    assertTrue(e.getMessage().contains("qSample: shapes [2, 3] and [2, 4]"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> eps.qSample(x0, Tensor.of(new long[] {1, 2, 3}), x0));
    assertTrue(e.getMessage().contains("timesteps [3] must be [batch] for samples [2, 3]"));
    assertThrows(
        IllegalArgumentException.class, () -> eps.qSample(x0, Tensor.of(new long[] {1, 1000}), x0));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> eps.loss((xt, t, y) -> xt, x0, null, new Generator(0), new double[3]));
    assertTrue(e.getMessage().contains("weights have length 3"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> eps.loss((xt, t, y) -> xt.sum(1), x0, null, new Generator(0)));
    assertTrue(e.getMessage().contains("model output vs x0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> eps.loss((xt, t, y) -> xt, Tensor.of(new long[] {1, 2}), null, new Generator(0)));
    assertThrows(
        IllegalArgumentException.class, () -> new GaussianDiffusion(null, Prediction.EPSILON));
  }
}
