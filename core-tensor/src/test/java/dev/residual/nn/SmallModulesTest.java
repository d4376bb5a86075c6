package dev.residual.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SmallModulesTest {

  @Test
  void pythonFloatReprMatchesPython() {
    assertEquals("1e-05", Repr.pyFloat(1e-5));
    assertEquals("1e-06", Repr.pyFloat(1e-6));
    assertEquals("0.0001", Repr.pyFloat(1e-4));
    assertEquals("0.5", Repr.pyFloat(0.5));
    assertEquals("0.1", Repr.pyFloat(0.1));
    assertEquals("1.0", Repr.pyFloat(1));
    assertEquals("100.0", Repr.pyFloat(100));
    assertEquals("-2.5e-07", Repr.pyFloat(-2.5e-7));
    assertEquals("1e+16", Repr.pyFloat(1e16));
    assertEquals("0.0", Repr.pyFloat(0));
    assertEquals("(3,)", Repr.tuple(3L));
    assertEquals("(2, 3)", Repr.tuple(2, 3));
  }

  @Test
  void poolingFlattenIdentitySigmoidModulesCallF() {
    Tensor x = Tensor.randn(new Generator(0), 2, 3, 6, 6);
    assertArrayEquals(F.maxPool2d(x, 2).toFloatArray(), new MaxPool2d(2).forward(x).toFloatArray());
    assertArrayEquals(
        F.avgPool2d(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}).toFloatArray(),
        new AvgPool2d(3, 2, 1).forward(x).toFloatArray());
    assertArrayEquals(new long[] {2, 108}, new Flatten().forward(x).shape());
    assertArrayEquals(new long[] {6, 36}, new Flatten(0, 1).forward(x).flatten(1, 2).shape());
    assertSame(x, new Identity().forward(x));
    assertArrayEquals(F.sigmoid(x).toFloatArray(), new Sigmoid().forward(x).toFloatArray());
    assertEquals(
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
        new MaxPool2d(2).toString());
    assertEquals(
        "AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).toString());
    assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
    assertEquals("Identity()", new Identity().toString());
    assertEquals("Sigmoid()", new Sigmoid().toString());
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(0));
    assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2, 0, 0));
  }

  @Test
  void smallCnnInSequentialProducesLogits() {
    Generator g = new Generator(1);
    Sequential cnn =
        new Sequential(
            new Conv2d(1, 4, 3, 1, 1, g),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(4, 8, 3, 1, 1, g),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(8 * 7 * 7, 10, true, g));
    Tensor logits = cnn.forward(Tensor.randn(new Generator(2), 3, 1, 28, 28));
    assertArrayEquals(new long[] {3, 10}, logits.shape());
    F.crossEntropy(logits, Tensor.of(new long[] {1, 2, 3}, 3)).backward();
    for (Tensor p : cnn.parameters()) {
      assertArrayEquals(p.shape(), p.grad().shape());
    }
  }

  @Test
  void requiresGradFreezesAndUnfreezesEveryParameter() {
    Sequential s = new Sequential(new Linear(2, 2, true, new Generator(0)), new LayerNorm(2));
    assertSame(s, s.requiresGrad(false));
    for (Tensor p : s.parameters()) {
      assertFalse(p.requiresGrad());
    }
    s.requiresGrad(true);
    for (Tensor p : s.parameters()) {
      assertTrue(p.requiresGrad());
    }
  }
}
