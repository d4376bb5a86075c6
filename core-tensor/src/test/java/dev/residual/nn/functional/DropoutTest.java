package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DropoutTest {

  @Test
  void dropoutDropsWhereTheGeneratorDrawsBelowPAndScalesTheRest() {
    Tensor x = GradCheck.randn(1, 4, 50);
    double p = 0.3;
    Tensor y = F.dropout(x, p, new Generator(42), true);
    Generator g = new Generator(42);
    double[] xv = x.toDoubleArray();
    double[] yv = y.toDoubleArray();
    for (int k = 0; k < xv.length; k++) {
      double expected = g.nextDouble() < p ? 0 : xv[k] / (1 - p);
      assertEquals(expected, yv[k], 1e-15);
    }
  }

  @Test
  void dropoutWithTheSameSeedGivesTheSameMask() {
    Tensor x = Tensor.ones(1000);
    assertArrayEquals(
        F.dropout(x, 0.5, new Generator(7), true).toFloatArray(),
        F.dropout(x, 0.5, new Generator(7), true).toFloatArray());
  }

  @Test
  void dropoutDropsAboutAFractionP() {
    Tensor y = F.dropout(Tensor.ones(20000), 0.25, new Generator(3), true);
    double dropped = 0;
    for (float v : y.toFloatArray()) {
      if (v == 0) {
        dropped++;
      } else {
        assertEquals(1 / 0.75f, v, 1e-6);
      }
    }
    assertEquals(0.25, dropped / 20000, 0.02);
  }

  @Test
  void dropoutGradientUsesTheSameMaskAndScale() {
    Tensor x = Tensor.ones(DType.FLOAT64, 3, 40).requiresGrad(true);
    Tensor y = F.dropout(x, 0.4, new Generator(11), true);
    y.sum().backward();
    assertArrayEquals(y.toDoubleArray(), x.grad().toDoubleArray(), 0);
    GradCheck.check(t -> F.dropout(t[0], 0.4, new Generator(5), true), GradCheck.randn(2, 3, 7));
  }

  @Test
  void dropoutIsTheIdentityOutsideTrainingOrWithPZero() {
    Tensor x = Tensor.ones(3);
    Generator g = new Generator(1);
    assertSame(x, F.dropout(x, 0.5, g, false));
    assertSame(x, F.dropout(x, 0.0, g, true));
    assertEquals(new Generator(1).nextDouble(), g.nextDouble(), "no number was drawn");
  }

  @Test
  void dropoutWithPOneGivesZeros() {
    Tensor x = Tensor.ones(DType.FLOAT64, 5).requiresGrad(true);
    Tensor y = F.dropout(x, 1.0, new Generator(1), true);
    assertArrayEquals(new double[5], y.toDoubleArray(), 0);
    y.sum().backward();
    assertArrayEquals(new double[5], x.grad().toDoubleArray(), 0);
  }

  @Test
  void dropoutRejectsProbabilitiesOutsideTheUnitInterval() {
    for (double p : new double[] {-0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> F.dropout(Tensor.ones(3), p, new Generator(1), true));
      assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("[0, 1]"));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> F.dropout(Tensor.ones(DType.INT64, 3), 0.5, new Generator(1), true));
    assertThrows(IllegalArgumentException.class, () -> F.dropout(Tensor.ones(3), 0.5, null, true));
  }
}
