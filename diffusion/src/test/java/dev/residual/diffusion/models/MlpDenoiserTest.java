package dev.residual.diffusion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Autograd;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlpDenoiserTest {
  private static final Tensor T3 = Tensor.of(new long[] {0, 17, 999}, 3);

  @Test
  void defaultConfigMapsBatchOfPointsToSameShapeWithExpectedParameterCount() {
    MlpDenoiser m = new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(0));
    Tensor out = m.predict(Tensor.randn(new Generator(1), 3, 2), T3, null);
    assertArrayEquals(new long[] {3, 2}, out.shape());
    assertEquals(DType.FLOAT32, out.dtype());
    long h = 128;
    long expected =
        (32 * h + h) // time MLP in
            + (h * h + h) // time MLP out
            + (2 * h + h) // input
            + 2 * (h * h + h) // two more hidden layers (3 in all)
            + (h * 2 + 2); // output
    assertEquals(expected, m.numParameters());
  }

  @Test
  void learnedTimeAndClassEmbeddingsHaveOneRowPerTimestepAndPerClassPlusNoLabel() {
    MlpDenoiser.Config c =
        MlpDenoiser.Config.of(2).withHidden(8).withNumHidden(2).withLearnedTime(50).withClasses(4);
    MlpDenoiser m = new MlpDenoiser(c, new Generator(0));
    Map<String, Tensor> p = m.namedParameters();
    assertArrayEquals(new long[] {50, 8}, p.get("timeEmbedding.table.weight").shape());
    assertArrayEquals(new long[] {5, 8}, p.get("classEmbedding.weight").shape());
    Tensor out =
        m.predict(
            Tensor.randn(new Generator(1), 3, 2),
            Tensor.of(new long[] {0, 1, 49}, 3),
            Tensor.of(new long[] {0, 3, 4}, 3));
    assertArrayEquals(new long[] {3, 2}, out.shape());
  }

  @Test
  void nullLabelsMeanTheNoLabelRowAndLabelsChangeThePrediction() {
    MlpDenoiser m =
        new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(16).withClasses(3), new Generator(2));
    Tensor x = Tensor.randn(new Generator(3), 3, 2);
    double[] none = m.predict(x, T3, null).toDoubleArray();
    double[] explicitNone = m.predict(x, T3, Tensor.of(new long[] {3, 3, 3}, 3)).toDoubleArray();
    double[] labelled = m.predict(x, T3, Tensor.of(new long[] {0, 1, 2}, 3)).toDoubleArray();
    assertArrayEquals(none, explicitNone, 0.0);
    double diff = 0;
    for (int i = 0; i < none.length; i++) {
      diff += Math.abs(none[i] - labelled[i]);
    }
    assertTrue(diff > 1e-4, "labels had no effect");
  }

  @Test
  void sameSeedGivesSameNetworkAndPrediction() {
    Tensor x = Tensor.randn(new Generator(5), 3, 2);
    double[] a =
        new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(9))
            .predict(x, T3, null)
            .toDoubleArray();
    double[] b =
        new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(9))
            .predict(x, T3, null)
            .toDoubleArray();
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void everyParameterReceivesAGradient() {
    for (MlpDenoiser.Config c :
        List.of(
            MlpDenoiser.Config.of(2).withHidden(8).withClasses(3),
            MlpDenoiser.Config.of(2).withHidden(8).withLearnedTime(1000).withClasses(3))) {
      MlpDenoiser m = new MlpDenoiser(c, new Generator(4));
      Tensor out =
          m.predict(Tensor.randn(new Generator(6), 3, 2), T3, Tensor.of(new long[] {0, 2, 3}, 3));
      out.square().sum().backward();
      for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
        Tensor g = e.getValue().grad();
        assertTrue(g != null, "no gradient for " + e.getKey());
        assertTrue(g.abs().sum().item() > 0, "zero gradient for " + e.getKey());
      }
    }
  }

  @Test
  void gradientsMatchCentralFiniteDifferencesInFloat64() {
    MlpDenoiser m =
        new MlpDenoiser(
            MlpDenoiser.Config.of(2).withHidden(5).withNumHidden(2).withTimeDim(4).withClasses(2),
            new Generator(11));
    m.to(DType.FLOAT64);
    Tensor x = Tensor.randn(new Generator(12), 3, 2).to(DType.FLOAT64).requiresGrad(true);
    Tensor t = Tensor.of(new long[] {1, 40, 300}, 3);
    Tensor y = Tensor.of(new long[] {0, 1, 2}, 3);
    Tensor w = Tensor.of(new double[] {0.3, -1.2, 0.7, 2.0, -0.4, 1.1}, 3, 2);

    List<Tensor> inputs = new ArrayList<>(m.parameters());
    inputs.add(x);
    List<Tensor> grads = Autograd.grad(m.predict(x, t, y).mul(w).sum(), inputs);

    double eps = 1e-6;
    for (int p = 0; p < inputs.size(); p++) {
      Tensor param = inputs.get(p);
      double[] analytic = grads.get(p).toDoubleArray();
      double[] values = param.toDoubleArray();
      // Two entries per tensor keep the test fast; they still cover every layer and the input.
      for (int idx : new int[] {0, values.length - 1}) {
        double orig = values[idx];
        values[idx] = orig + eps;
        double up = loss(m, param, values, x, t, y, w);
        values[idx] = orig - eps;
        double down = loss(m, param, values, x, t, y, w);
        values[idx] = orig;
        set(param, values);
        double numeric = (up - down) / (2 * eps);
        assertEquals(numeric, analytic[idx], 1e-6 * Math.max(1, Math.abs(numeric)), "tensor " + p);
      }
    }
  }

  private static double loss(
      MlpDenoiser m, Tensor param, double[] values, Tensor x, Tensor t, Tensor y, Tensor w) {
    set(param, values);
    try (Tensor.NoGrad ng = Tensor.noGrad()) {
      return m.predict(x, t, y).mul(w).sum().item();
    }
  }

  private static void set(Tensor param, double[] values) {
    try (Tensor.NoGrad ng = Tensor.noGrad()) {
      param.copy_(Tensor.of(values, param.shape()));
    }
  }

  @Test
  void wrongShapesAndLabelsAreRejectedWithTheShapesInTheMessage() {
    MlpDenoiser unconditional = new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> unconditional.predict(Tensor.zeros(3, 3), T3, null));
    assertTrue(e.getMessage().contains("[3, 3]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> unconditional.predict(Tensor.zeros(4, 2), T3, null));
    assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> unconditional.predict(Tensor.zeros(3, 2), T3, Tensor.zeros(DType.INT64, 3)));

    MlpDenoiser conditional =
        new MlpDenoiser(MlpDenoiser.Config.of(2).withClasses(2), new Generator(0));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> conditional.predict(Tensor.zeros(3, 2), T3, Tensor.of(new long[] {0, 3, 1}, 3)));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> conditional.predict(Tensor.zeros(3, 2), T3, Tensor.zeros(DType.INT64, 2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> conditional.predict(Tensor.zeros(3, 2), T3, Tensor.zeros(3)));
  }

  @Test
  void invalidConfigIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> MlpDenoiser.Config.of(0));
    assertThrows(IllegalArgumentException.class, () -> MlpDenoiser.Config.of(2).withNumHidden(0));
    assertThrows(IllegalArgumentException.class, () -> MlpDenoiser.Config.of(2).withTimeDim(7));
    assertThrows(IllegalArgumentException.class, () -> MlpDenoiser.Config.of(2).withLearnedTime(0));
    assertThrows(IllegalArgumentException.class, () -> MlpDenoiser.Config.of(2).withClasses(-1));
  }
}
