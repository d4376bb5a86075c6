package dev.residual.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
  static Tensor withGrad(double... g) {
    Tensor p = Tensor.zeros(dev.residual.tensor.DType.FLOAT64, g.length).requiresGrad(true);
    p.setGrad(Tensor.of(g));
    return p;
  }

  @Test
  void clipGradNormFloat64ScalesByMaxOverTotal() {
    Tensor a = withGrad(3, 4, 0, 0, 0, 12);
    Tensor b = withGrad(1, 2, 2, 0);
    double total = GradClip.clipGradNorm(List.of(a, b), 1.0);
    assertEquals(Math.sqrt(178), total, 1e-12);
    double c = 1.0 / (Math.sqrt(178) + 1e-6);
    assertArrayEquals(
        new double[] {3 * c, 4 * c, 0, 0, 0, 12 * c}, a.grad().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {c, 2 * c, 2 * c, 0}, b.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void clipGradNormLeavesSmallGradientsAloneAndSkipsMissingOnes() {
    Tensor a = withGrad(0.3, 0.4);
    Tensor none = Tensor.zeros(dev.residual.tensor.DType.FLOAT64, 2).requiresGrad(true);
    int v = a.grad().version();
    assertEquals(0.5, GradClip.clipGradNorm(List.of(a, none), 1.0), 1e-15);
    assertArrayEquals(new double[] {0.3, 0.4}, a.grad().toDoubleArray(), 0.0);
    assertEquals(v, a.grad().version());
    assertEquals(0.0, GradClip.clipGradNorm(List.of(none), 1.0));
  }

  @Test
  void clipGradNormWithInfinityNormUsesTheLargestEntry() {
    Tensor a = withGrad(1, -5, 2);
    Tensor b = withGrad(3, 0);
    double total = GradClip.clipGradNorm(List.of(a, b), 2.5, Double.POSITIVE_INFINITY);
    assertEquals(5.0, total, 0.0);
    double c = 2.5 / (5 + 1e-6);
    assertArrayEquals(new double[] {c, -5 * c, 2 * c}, a.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void clipGradNormWithOneNormSumsAbsoluteValues() {
    Tensor a = withGrad(1, -2);
    Tensor b = withGrad(3);
    assertEquals(6.0, GradClip.clipGradNorm(List.of(a, b), 100, 1.0), 1e-12);
    assertArrayEquals(new double[] {1, -2}, a.grad().toDoubleArray(), 0.0);
  }

  @Test
  void clipGradNormRejectsBadArguments() {
    List<Tensor> ps = List.of(withGrad(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(ps, -1));
    assertTrue(e.getMessage().contains("maxNorm"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(ps, 1, 0));
    assertTrue(e.getMessage().contains("normType"), e.getMessage());
  }

  @Test
  void clipGradValueClampsEveryEntry() {
    Tensor a = withGrad(-3, 0.5, 2);
    Tensor f = Tensor.of(new float[] {0, 0}).requiresGrad(true);
    f.setGrad(Tensor.of(new float[] {-0.1f, 7f}));
    GradClip.clipGradValue(List.of(a, f), 1.0);
    assertArrayEquals(new double[] {-1, 0.5, 1}, a.grad().toDoubleArray(), 0.0);
    assertArrayEquals(new float[] {-0.1f, 1f}, f.grad().toFloatArray(), 0f);
  }

  @Test
  void clipGradValueRejectsNegativeClip() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradClip.clipGradValue(List.of(withGrad(1)), -0.5));
    assertTrue(e.getMessage().contains("clipValue"), e.getMessage());
  }
}
