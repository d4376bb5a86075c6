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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuidanceTest {
  private final NoiseSchedule schedule = NoiseSchedule.linear(1000);
  private final GaussianDiffusion diffusion = new GaussianDiffusion(schedule, Prediction.EPSILON);

  /** Class c has data N(μ_c, 0.5²), μ_0 = −2, μ_1 = +2; label 2 ("none") is treated as N(0, 1). */
  private Denoiser conditional(AtomicInteger calls) {
    Denoiser c0 = SamplerTest.gaussianEps(schedule, -2.0, 0.5);
    Denoiser c1 = SamplerTest.gaussianEps(schedule, 2.0, 0.5);
    Denoiser none = SamplerTest.gaussianEps(schedule, 0.0, 1.0);
    return (xt, t, y) -> {
      calls.incrementAndGet();
      long[] labels = y.toLongArray();
      Tensor e0 = c0.predict(xt, t, y);
      Tensor e1 = c1.predict(xt, t, y);
      Tensor en = none.predict(xt, t, y);
      double[] out = new double[(int) xt.numel()];
      int per = (int) (xt.numel() / xt.size(0));
      double[] a = e0.toDoubleArray();
      double[] b = e1.toDoubleArray();
      double[] n = en.toDoubleArray();
      for (int i = 0; i < out.length; i++) {
        long l = labels[i / per];
        out[i] = l == 0 ? a[i] : l == 1 ? b[i] : n[i];
      }
      return Tensor.of(out, xt.shape());
    };
  }

  @Test
  void classifierFreeGuidanceWithZeroWeightIsTheConditionalModelInOneBatchedCall() {
    AtomicInteger calls = new AtomicInteger();
    Denoiser model = conditional(calls);
    Tensor xt = Tensor.randn(new Generator(0), 4, 3).to(DType.FLOAT64);
    Tensor t = Tensor.of(new long[] {10, 200, 500, 900});
    Tensor y = Tensor.of(new long[] {0, 1, 1, 0});
    double[] cond = model.predict(xt, t, y).toDoubleArray();
    calls.set(0);
    double[] guided = new ClassifierFreeGuidance(model, 0.0, 2).predict(xt, t, y).toDoubleArray();
    assertEquals(1, calls.get());
    assertArrayEquals(cond, guided, 1e-15);
    double[] uncond = model.predict(xt, t, Tensor.of(new long[] {2, 2, 2, 2})).toDoubleArray();
    double[] w3 = new ClassifierFreeGuidance(model, 3.0, 2).predict(xt, t, y).toDoubleArray();
    for (int i = 0; i < cond.length; i++) {
      assertEquals(4 * cond[i] - 3 * uncond[i], w3[i], 1e-12);
    }
  }

  @Test
  void classifierFreeGuidanceSamplesTheRequestedClass() {
    Denoiser guided = new ClassifierFreeGuidance(conditional(new AtomicInteger()), 1.0, 2);
    Tensor y = Tensor.cat(0, Tensor.zeros(DType.INT64, 200), Tensor.ones(DType.INT64, 200));
    Tensor x =
        new DdimSampler(diffusion, 50, 0.0, false)
            .sample(guided, Tensor.randn(new Generator(1), 400, 1).to(DType.FLOAT64), y, null);
    assertTrue(x.narrow(0, 0, 200).mean().item() < -1.5);
    assertTrue(x.narrow(0, 200, 200).mean().item() > 1.5);
  }

  /** A logistic classifier: logits [0, a·Σx], so log p(1 | x) = log σ(a·Σx). */
  private static Classifier logistic(double a) {
    return (xt, t) -> {
      Tensor score = xt.reshape(xt.size(0), -1).sum(1, true).mul(a);
      return Tensor.cat(1, Tensor.zerosLike(score), score);
    };
  }

  @Test
  void classifierGradientIsTheLogisticScore() {
    ClassifierGuidance g = new ClassifierGuidance(logistic(2.0), 1.0);
    Tensor x = Tensor.of(new double[] {0.3, -0.1, 1.0, 0.5}, 2, 2);
    Tensor t = Tensor.of(new long[] {1, 2});
    double[] grad = g.gradLogProb(x, t, Tensor.of(new long[] {1, 0})).toDoubleArray();
    // ∂/∂x log σ(a·Σx) = a(1 − σ(a·Σx)); ∂/∂x log(1 − σ(a·Σx)) = −a σ(a·Σx)
    double s0 = 1 / (1 + Math.exp(-2.0 * 0.2));
    double s1 = 1 / (1 + Math.exp(-2.0 * 1.5));
    assertArrayEquals(new double[] {2 * (1 - s0), 2 * (1 - s0), -2 * s1, -2 * s1}, grad, 1e-12);
  }

  @Test
  void classifierGuidanceMovesDdimAndDdpmSamplesTowardTheRequestedClass() {
    Denoiser uncond = SamplerTest.gaussianEps(schedule, 0.0, 1.0);
    ClassifierGuidance guidance = new ClassifierGuidance(logistic(2.0), 3.0);
    Tensor y = Tensor.cat(0, Tensor.zeros(DType.INT64, 200), Tensor.ones(DType.INT64, 200));
    Tensor xT = Tensor.randn(new Generator(2), 400, 1).to(DType.FLOAT64);
    Tensor plain = new DdimSampler(diffusion, 50, 0.0, false).sample(uncond, xT, y, null);
    Tensor ddim = new DdimSampler(diffusion, 50, 0.0, false, guidance).sample(uncond, xT, y, null);
    Tensor ddpm =
        new DdpmSampler(diffusion, Variance.BETA, false, guidance)
            .sample(uncond, xT, y, new Generator(3));
    assertEquals(0.0, plain.mean().item(), 0.15);
    for (Tensor x : new Tensor[] {ddim, ddpm}) {
      double m0 = x.narrow(0, 0, 200).mean().item();
      double m1 = x.narrow(0, 200, 200).mean().item();
      assertTrue(m0 < -0.5 && m1 > 0.5, "class means " + m0 + ", " + m1);
    }
  }

  @Test
  void dropLabelsReplacesTheRequestedFractionWithTheNullLabel() {
    long[] raw = new long[10000];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = i % 10;
    }
    Tensor y = Tensor.of(raw);
    assertArrayEquals(
        y.toLongArray(),
        ClassifierFreeGuidance.dropLabels(y, 0.0, 10, new Generator(0)).toLongArray());
    for (long l : ClassifierFreeGuidance.dropLabels(y, 1.0, 10, new Generator(0)).toLongArray()) {
      assertEquals(10, l);
    }
    long[] dropped = ClassifierFreeGuidance.dropLabels(y, 0.2, 10, new Generator(1)).toLongArray();
    long[] orig = y.toLongArray();
    int count = 0;
    for (int i = 0; i < dropped.length; i++) {
      if (dropped[i] == 10) {
        count++;
      } else {
        assertEquals(orig[i], dropped[i]);
      }
    }
    assertEquals(0.2, count / 10000.0, 0.02);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassifierFreeGuidance.dropLabels(y, 1.5, 10, new Generator(0)));
    assertTrue(e.getMessage().contains("p must be in [0, 1], got 1.5"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClassifierFreeGuidance.dropLabels(
                    Tensor.zeros(DType.FLOAT32, 3), 0.1, 10, new Generator(0)));
    assertTrue(
        e.getMessage().contains("expected integer labels [batch], got FLOAT32 of shape [3]"));
  }

  @Test
  void guidanceRejectsMissingLabelsBadLogitsAndNoGradScopes() {
    ClassifierGuidance g = new ClassifierGuidance(logistic(1.0), 1.0);
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 1);
    Tensor t = Tensor.of(new long[] {0, 0});
    var e = assertThrows(IllegalArgumentException.class, () -> g.gradLogProb(x, t, null));
    assertTrue(e.getMessage().contains("labels null must be [batch] for samples [2, 1]"));
    try (var noGrad = Tensor.noGrad()) {
      assertThrows(
          IllegalStateException.class, () -> g.gradLogProb(x, t, Tensor.of(new long[] {0, 1})));
    }
    DdpmSampler guided = new DdpmSampler(diffusion, Variance.BETA, false, g);
    try (var noGrad = Tensor.noGrad()) {
      assertThrows(
          IllegalStateException.class,
          () ->
              guided.sample(
                  (a, b, c) -> Tensor.zerosLike(a), x, Tensor.of(new long[] {0, 1}), null));
    }
    ClassifierGuidance bad = new ClassifierGuidance((xt, tt) -> xt.sum(1), 1.0);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> bad.gradLogProb(x, t, Tensor.of(new long[] {0, 1})));
    assertTrue(e.getMessage().contains("logits [2] must be [batch, classes]"));
    assertThrows(IllegalArgumentException.class, () -> new ClassifierGuidance(null, 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DdimSampler(diffusion, 5, 0.0, false, g).sample((a, b, c) -> a, x, null, null));
    Denoiser cfg = new ClassifierFreeGuidance((a, b, c) -> a, 1.0, 2);
    e = assertThrows(IllegalArgumentException.class, () -> cfg.predict(x, t, null));
    assertTrue(e.getMessage().contains("ClassifierFreeGuidance: labels null"));
    assertThrows(IllegalArgumentException.class, () -> new ClassifierFreeGuidance(null, 1.0, 2));
  }
}
