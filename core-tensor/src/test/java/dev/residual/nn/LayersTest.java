package dev.residual.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayersTest {

  private static void assertWithin(Tensor t, double bound) {
    for (double v : t.toDoubleArray()) {
      assertTrue(v >= -bound && v <= bound, v + " outside +-" + bound);
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / v.length);
  }

  @Test
  void linearForwardIsFLinearWithPyTorchLayoutAndShapes() {
    Linear l = new Linear(3, 4, true, new Generator(7));
    assertArrayEquals(new long[] {4, 3}, l.weight().shape());
    assertArrayEquals(new long[] {4}, l.bias().shape());
    Tensor x = Tensor.randn(new Generator(1), 2, 5, 3);
    Tensor y = l.forward(x);
    assertArrayEquals(new long[] {2, 5, 4}, y.shape());
    assertArrayEquals(F.linear(x, l.weight(), l.bias()).toFloatArray(), y.toFloatArray());
    assertEquals("Linear(in_features=3, out_features=4, bias=True)", l.toString());
  }

  @Test
  void linearInitialisationIsUniformOverInverseSqrtFanIn() {
    Linear l = new Linear(400, 300, true, new Generator(3));
    double bound = 1 / Math.sqrt(400);
    assertWithin(l.weight(), bound);
    assertWithin(l.bias(), bound);
    double[] w = l.weight().toDoubleArray();
    assertEquals(0, mean(w), 0.002);
    assertEquals(bound / Math.sqrt(3), std(w), 0.002);
    assertTrue(l.weight().requiresGrad() && l.bias().requiresGrad());
  }

  @Test
  void linearWithoutBiasHasOnlyWeight() {
    Linear l = new Linear(3, 2, false, new Generator(0));
    assertNull(l.bias());
    assertEquals(List.of("weight"), List.copyOf(l.namedParameters().keySet()));
    assertArrayEquals(
        F.linear(Tensor.ones(1, 3), l.weight(), null).toFloatArray(),
        l.forward(Tensor.ones(1, 3)).toFloatArray());
    assertEquals("Linear(in_features=3, out_features=2, bias=False)", l.toString());
  }

  @Test
  void sameSeedGivesSameWeightsDifferentSeedDifferent() {
    assertArrayEquals(
        new Linear(5, 6, true, new Generator(42)).weight().toFloatArray(),
        new Linear(5, 6, true, new Generator(42)).weight().toFloatArray());
    assertFalse(
        java.util.Arrays.equals(
            new Linear(5, 6, true, new Generator(42)).weight().toFloatArray(),
            new Linear(5, 6, true, new Generator(43)).weight().toFloatArray()));
    assertArrayEquals(
        new Conv2d(2, 3, 3, new Generator(9)).getParameter("bias").toFloatArray(),
        new Conv2d(2, 3, 3, new Generator(9)).getParameter("bias").toFloatArray());
  }

  @Test
  void linearRejectsNegativeSizes() {
    assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 2, true, new Generator(0)));
    assertThrows(IllegalArgumentException.class, () -> new Linear(2, -1, true, new Generator(0)));
  }

  @Test
  void embeddingIsStandardNormalAndForwardIsFEmbedding() {
    Embedding e = new Embedding(300, 100, new Generator(5));
    double[] w = e.weight().toDoubleArray();
    assertEquals(0, mean(w), 0.02);
    assertEquals(1, std(w), 0.02);
    Tensor idx = Tensor.of(new long[] {0, 299, 5, 5}, 2, 2);
    Tensor y = e.forward(idx);
    assertArrayEquals(new long[] {2, 2, 100}, y.shape());
    assertArrayEquals(F.embedding(idx, e.weight()).toFloatArray(), y.toFloatArray());
    assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(new long[] {300}, 1)));
    assertEquals("Embedding(300, 100)", e.toString());
    assertThrows(IllegalArgumentException.class, () -> new Embedding(-1, 2, new Generator(0)));
  }

  @Test
  void layerNormStartsAsIdentityAffineAndMatchesF() {
    LayerNorm ln = new LayerNorm(4);
    assertArrayEquals(new float[] {1, 1, 1, 1}, ln.getParameter("weight").toFloatArray());
    assertArrayEquals(new float[] {0, 0, 0, 0}, ln.getParameter("bias").toFloatArray());
    Tensor x = Tensor.randn(new Generator(2), 3, 4);
    assertArrayEquals(
        F.layerNorm(x, new long[] {4}, null, null, 1e-5).toFloatArray(),
        ln.forward(x).toFloatArray(),
        1e-6f);
    assertEquals("LayerNorm((4,), eps=1e-05, elementwise_affine=True)", ln.toString());
    LayerNorm plain = new LayerNorm(new long[] {2, 3}, 1e-6, false);
    assertTrue(plain.namedParameters().isEmpty());
    Tensor x2 = Tensor.randn(new Generator(2), 5, 2, 3);
    assertArrayEquals(
        F.layerNorm(x2, new long[] {2, 3}, null, null, 1e-6).toFloatArray(),
        plain.forward(x2).toFloatArray());
    assertEquals("LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)", plain.toString());
    assertThrows(IllegalArgumentException.class, () -> new LayerNorm());
    assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
    assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new long[] {2}, -1, true));
  }

  @Test
  void groupNormMatchesFAndValidatesGroups() {
    GroupNorm gn = new GroupNorm(2, 4);
    Tensor x = Tensor.randn(new Generator(4), 2, 4, 3, 3);
    Tensor y = gn.forward(x);
    assertArrayEquals(x.shape(), y.shape());
    assertArrayEquals(
        F.groupNorm(x, 2, gn.getParameter("weight"), gn.getParameter("bias"), 1e-5).toFloatArray(),
        y.toFloatArray());
    assertEquals("GroupNorm(2, 4, eps=1e-05, affine=True)", gn.toString());
    assertTrue(new GroupNorm(1, 3, 1e-3, false).namedParameters().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
    assertThrows(IllegalArgumentException.class, () -> new GroupNorm(0, 4));
    assertThrows(IllegalArgumentException.class, () -> new GroupNorm(2, 4, -1, true));
  }

  @Test
  void conv2dLayoutInitForwardAndRepr() {
    Conv2d c = new Conv2d(4, 6, 3, 2, 1, 1, 2, true, new Generator(11));
    Tensor w = c.getParameter("weight");
    assertArrayEquals(new long[] {6, 2, 3, 3}, w.shape());
    double bound = 1 / Math.sqrt(2 * 3 * 3);
    assertWithin(w, bound);
    assertWithin(c.getParameter("bias"), bound);
    Tensor x = Tensor.randn(new Generator(1), 2, 4, 7, 7);
    Tensor y = c.forward(x);
    assertArrayEquals(new long[] {2, 6, 4, 4}, y.shape());
    assertArrayEquals(
        F.conv2d(
                x,
                w,
                c.getParameter("bias"),
                new int[] {2, 2},
                new int[] {1, 1},
                new int[] {1, 1},
                2)
            .toFloatArray(),
        y.toFloatArray());
    assertEquals(
        "Conv2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2)", c.toString());
    assertEquals(
        "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), dilation=(2, 2), bias=False)",
        new Conv2d(1, 2, 3, 1, 0, 2, 1, false, new Generator(0)).toString());
    assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(2, 3, 7, 7)));
  }

  @Test
  void conv2dRejectsBadArguments() {
    Generator g = new Generator(0);
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(4, 3, 3, 1, 0, 1, 2, true, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(0, 3, 3, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 3, 0, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 3, 3, 0, 0, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 3, 3, 1, -1, g));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 3, 3, 1, 0, 0, 1, true, g));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Conv2d(
                1,
                3,
                new int[] {3},
                new int[] {1, 1},
                new int[] {0, 0},
                new int[] {1, 1},
                1,
                true,
                g));
  }

  @Test
  void convTranspose2dLayoutInitForwardAndRepr() {
    ConvTranspose2d c = new ConvTranspose2d(4, 6, 4, 2, 1, new Generator(12));
    Tensor w = c.getParameter("weight");
    assertArrayEquals(new long[] {4, 6, 4, 4}, w.shape());
    // PyTorch computes the fan from weight.size(1): out/groups * kH * kW.
    double bound = 1 / Math.sqrt(6 * 4 * 4);
    assertWithin(w, bound);
    assertWithin(c.getParameter("bias"), bound);
    Tensor x = Tensor.randn(new Generator(1), 2, 4, 5, 5);
    Tensor y = c.forward(x);
    assertArrayEquals(new long[] {2, 6, 10, 10}, y.shape());
    assertArrayEquals(
        F.convTranspose2d(
                x,
                w,
                c.getParameter("bias"),
                new int[] {2, 2},
                new int[] {1, 1},
                new int[] {0, 0},
                1,
                new int[] {1, 1})
            .toFloatArray(),
        y.toFloatArray());
    assertEquals(
        "ConvTranspose2d(4, 6, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))", c.toString());
    ConvTranspose2d grouped = new ConvTranspose2d(4, 6, 3, 2, 0, 1, 2, false, 1, new Generator(0));
    assertArrayEquals(new long[] {4, 3, 3, 3}, grouped.getParameter("weight").shape());
    assertArrayEquals(new long[] {1, 6, 8, 8}, grouped.forward(Tensor.zeros(1, 4, 3, 3)).shape());
    assertEquals(
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1),"
            + " groups=2, bias=False)",
        grouped.toString());
  }

  @Test
  void convTranspose2dRejectsBadArguments() {
    Generator g = new Generator(0);
    assertThrows(
        IllegalArgumentException.class, () -> new ConvTranspose2d(4, 6, 3, 1, 0, 1, 1, true, 1, g));
    assertThrows(
        IllegalArgumentException.class, () -> new ConvTranspose2d(3, 6, 3, 1, 0, 0, 2, true, 1, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConvTranspose2d(4, 6, 3, 1, -1, 0, 1, true, 1, g));
  }

  @Test
  void dropoutDropsInTrainingAndIsIdentityInEval() {
    Dropout d = new Dropout(0.5, new Generator(3));
    Tensor x = Tensor.ones(1000);
    double[] y = d.forward(x).toDoubleArray();
    int zeros = 0;
    for (double v : y) {
      assertTrue(v == 0 || v == 2, "value " + v);
      zeros += v == 0 ? 1 : 0;
    }
    assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
    d.eval();
    assertArrayEquals(x.toFloatArray(), d.forward(x).toFloatArray());
    assertEquals("Dropout(p=0.5, inplace=False)", d.toString());
    Dropout a = new Dropout(0.3, new Generator(8));
    Dropout b = new Dropout(0.3, new Generator(8));
    assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, new Generator(0)));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, new Generator(0)));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(0.1, null));
  }

  @Test
  void activationModulesCallF() {
    Tensor x = Tensor.of(new double[] {-2, -0.5, 0, 0.5, 3}, 5);
    assertArrayEquals(F.relu(x).toDoubleArray(), new ReLU().forward(x).toDoubleArray());
    assertArrayEquals(F.gelu(x).toDoubleArray(), new GELU().forward(x).toDoubleArray());
    assertArrayEquals(
        F.geluTanh(x).toDoubleArray(), new GELU(GELU.Approximate.TANH).forward(x).toDoubleArray());
    assertArrayEquals(F.silu(x).toDoubleArray(), new SiLU().forward(x).toDoubleArray());
    assertArrayEquals(F.tanh(x).toDoubleArray(), new Tanh().forward(x).toDoubleArray());
    assertEquals("GELU(approximate='none')", new GELU().toString());
    assertEquals("ReLU()", new ReLU().toString());
    assertEquals("SiLU()", new SiLU().toString());
    assertEquals("Tanh()", new Tanh().toString());
    assertThrows(IllegalArgumentException.class, () -> new GELU(null));
  }

  @Test
  void sequentialChainsForwardAndBackpropagates() {
    Generator g = new Generator(21);
    Linear l1 = new Linear(3, 5, true, g);
    Linear l2 = new Linear(5, 2, true, g);
    Sequential s = new Sequential(l1, new ReLU(), l2);
    Tensor x = Tensor.randn(new Generator(2), 4, 3);
    Tensor expected = l2.forward(F.relu(l1.forward(x)));
    Tensor y = s.forward(x);
    assertArrayEquals(expected.toFloatArray(), y.toFloatArray());
    y.sum().backward();
    assertArrayEquals(new long[] {5, 3}, s.getParameter("0.weight").grad().shape());
    assertArrayEquals(new long[] {2}, s.getParameter("2.bias").grad().shape());
    assertEquals(3 * 5 + 5 + 5 * 2 + 2, s.numParameters());
  }

  @Test
  void layersFollowDefaultDType() {
    DType old = Tensor.defaultDType();
    try {
      Tensor.setDefaultDType(DType.FLOAT64);
      Linear l = new Linear(2, 2, true, new Generator(0));
      assertEquals(DType.FLOAT64, l.weight().dtype());
      assertEquals(DType.FLOAT64, new LayerNorm(2).getParameter("bias").dtype());
    } finally {
      Tensor.setDefaultDType(old);
    }
  }
}
