package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The autograd engine's contract: accumulation, graph lifetime, scopes, hooks and misuse. */
class AutogradTest {

  private static Tensor leaf(double... v) {
    return Tensor.of(v).requiresGrad(true);
  }

  // ------------------------------------------------------------------ accumulation, graph life

  @Test
  void backwardAccumulatesIntoGradAcrossTwoBackwardCalls() {
    Tensor x = leaf(1, 2);
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), 0);
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void zeroGradClearsTheGradient() {
    Tensor x = leaf(1, 2);
    x.sum().backward();
    x.zeroGrad();
    assertNull(x.grad());
    x.mul(3.0).sum().backward();
    assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void retainGraphAllowsASecondBackward() {
    Tensor x = leaf(1, 2);
    Tensor y = x.exp().mul(x).sum();
    y.backward(Tensor.scalar(1.0, DType.FLOAT64), true);
    y.backward();
    // d/dx (x e^x) = (1 + x) e^x, accumulated twice.
    assertArrayEquals(
        new double[] {2 * 2 * Math.exp(1), 2 * 3 * Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void secondBackwardWithoutRetainGraphThrowsNamingRetainGraph() {
    Tensor x = leaf(1, 2);
    Tensor y = x.exp().sum();
    y.backward();
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("second time"), e.getMessage());
    assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
  }

  @Test
  void backwardThroughAGraphReleasedByAutogradGradThrows() {
    Tensor x = leaf(1, 2);
    Tensor y = x.exp().sum();
    Autograd.grad(y, List.of(x));
    assertThrows(IllegalStateException.class, y::backward);
  }

  @Test
  void backwardOnNonScalarWithoutGradientThrows() {
    Tensor y = leaf(1, 2).mul(2.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    assertTrue(e.getMessage().contains("[2]"), e.getMessage());
  }

  @Test
  void backwardOnNonScalarWithGradientWeightsTheOutputs() {
    Tensor x = leaf(1, 2);
    x.mul(x).backward(Tensor.of(new double[] {10, -1}));
    assertArrayEquals(new double[] {20, -4}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void backwardWithAGradientOfTheWrongShapeThrows() {
    Tensor y = leaf(1, 2).mul(2.0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
    assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
  }

  @Test
  void backwardOnATensorThatDoesNotRequireGradThrows() {
    Tensor y = Tensor.of(new double[] {1, 2}).sum();
    assertThrows(IllegalStateException.class, y::backward);
  }

  @Test
  void diamondGraphSumsTheGradientsOfBothPaths() {
    Tensor x = leaf(0.3, -1.2);
    Tensor h = x.sin();
    h.mul(2.0).add(h.square()).sum().backward();
    double[] g = x.grad().toDoubleArray();
    for (int k = 0; k < 2; k++) {
      double v = new double[] {0.3, -1.2}[k];
      assertEquals((2 + 2 * Math.sin(v)) * Math.cos(v), g[k], 1e-12);
    }
  }

  @Test
  void aLeafUsedTwiceInOneOpGetsBothContributions() {
    Tensor x = leaf(3);
    x.mul(x).add(x).sum().backward();
    assertEquals(7.0, x.grad().item(), 0);
  }

  @Test
  void gradientIsSummedBackToABroadcastInputShape() {
    Tensor b = leaf(1, 2, 3);
    Tensor x = Tensor.ones(DType.FLOAT64, 4, 3);
    x.add(b).sum().backward();
    assertArrayEquals(new double[] {4, 4, 4}, b.grad().toDoubleArray(), 0);
  }

  // ------------------------------------------------------------------ scopes

  @Test
  void noGradScopeRecordsNothingAndNests() {
    Tensor x = leaf(1, 2);
    assertTrue(Tensor.isGradEnabled());
    try (Tensor.NoGrad outer = Tensor.noGrad()) {
      assertFalse(Tensor.isGradEnabled());
      Tensor y = x.mul(2.0);
      assertFalse(y.requiresGrad());
      assertNull(y.gradFnName());
      try (Tensor.NoGrad inner = Tensor.noGrad()) {
        assertFalse(x.exp().requiresGrad());
      }
      assertFalse(Tensor.isGradEnabled(), "closing the inner scope must not re-enable grad");
      assertFalse(F.softmax(x, 0).requiresGrad());
    }
    assertTrue(Tensor.isGradEnabled());
    assertTrue(x.mul(2.0).requiresGrad());
  }

  @Test
  void closingANoGradScopeTwiceDoesNotUnbalanceIt() {
    Tensor.NoGrad outer = Tensor.noGrad();
    Tensor.NoGrad inner = Tensor.noGrad();
    inner.close();
    inner.close();
    assertFalse(Tensor.isGradEnabled());
    outer.close();
    assertTrue(Tensor.isGradEnabled());
  }

  @Test
  void noGradScopeIsThreadLocal() throws InterruptedException {
    boolean[] otherThreadEnabled = new boolean[1];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Thread t = new Thread(() -> otherThreadEnabled[0] = Tensor.isGradEnabled());
      t.start();
      t.join();
    }
    assertTrue(otherThreadEnabled[0]);
  }

  @Test
  void opsOnTensorsThatDoNotRequireGradAreNotRecorded() {
    Tensor y = Tensor.of(new double[] {1, 2}).exp();
    assertFalse(y.requiresGrad());
    assertTrue(y.isLeaf());
  }

  // ------------------------------------------------------------------ Autograd.grad

  @Test
  void autogradGradReturnsGradientsWithoutTouchingGradFields() {
    Tensor x = leaf(1, 2);
    Tensor w = leaf(3, 4);
    Tensor y = x.mul(w).sum();
    List<Tensor> g = Autograd.grad(y, List.of(x, w));
    assertArrayEquals(new double[] {3, 4}, g.get(0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2}, g.get(1).toDoubleArray(), 0);
    assertNull(x.grad());
    assertNull(w.grad());
    assertFalse(g.get(0).requiresGrad());
  }

  @Test
  void autogradGradWithRespectToANonLeaf() {
    Tensor x = leaf(1, 2);
    Tensor h = x.mul(3.0);
    Tensor y = h.square().sum();
    Tensor gh = Autograd.grad(y, List.of(h)).get(0);
    assertArrayEquals(new double[] {6, 12}, gh.toDoubleArray(), 0);
    assertNull(x.grad());
  }

  @Test
  void autogradGradGivesZerosForAnUnusedInput() {
    Tensor x = leaf(1, 2);
    Tensor unused = leaf(5, 6, 7);
    List<Tensor> g = Autograd.grad(x.sum(), List.of(x, unused));
    assertArrayEquals(new double[] {0, 0, 0}, g.get(1).toDoubleArray(), 0);
  }

  @Test
  void autogradGradOfANonScalarOutputThrows() {
    Tensor x = leaf(1, 2);
    assertThrows(IllegalArgumentException.class, () -> Autograd.grad(x.mul(2.0), List.of(x)));
  }

  @Test
  void autogradGradWithExplicitOutputGradientsAndRetainGraph() {
    Tensor x = leaf(1, 2);
    Tensor y = x.square();
    List<Tensor> g1 =
        Autograd.grad(List.of(y), List.of(x), List.of(Tensor.of(new double[] {1, 10})), true);
    assertArrayEquals(new double[] {2, 40}, g1.get(0).toDoubleArray(), 0);
    y.sum().backward();
    assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void autogradGradOfTwoOutputsSumsTheirContributions() {
    Tensor x = leaf(1, 2);
    Tensor y1 = x.square().sum();
    Tensor y2 = x.mul(3.0);
    List<Tensor> g =
        Autograd.grad(
            List.of(y1, y2),
            List.of(x),
            List.of(Tensor.scalar(1, DType.FLOAT64), Tensor.of(new double[] {1, -1})),
            false);
    assertArrayEquals(new double[] {2 + 3, 4 - 3}, g.get(0).toDoubleArray(), 0);
  }

  @Test
  void autogradGradOfAnInputThatDoesNotRequireGradThrows() {
    Tensor x = leaf(1, 2);
    Tensor c = Tensor.of(new double[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> Autograd.grad(x.mul(c).sum(), List.of(c)));
  }

  // ------------------------------------------------------------------ retainGrad, hooks, detach

  @Test
  void retainGradFillsTheGradOfANonLeaf() {
    Tensor x = leaf(1, 2);
    Tensor h = x.mul(3.0).retainGrad();
    Tensor k = x.mul(4.0);
    h.square().add(k).sum().backward();
    assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray(), 0);
    assertNull(k.grad(), "a non-leaf without retainGrad keeps no grad");
    assertArrayEquals(new double[] {18 + 4, 36 + 4}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void hookOnALeafReplacesItsGradientAndCloseRemovesIt() throws Exception {
    Tensor x = leaf(1, 2);
    AutoCloseable handle = x.registerHook(g -> g.mul(10.0));
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {20, 40}, x.grad().toDoubleArray(), 0);
    handle.close();
    x.zeroGrad();
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {2, 4}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void hookOnANonLeafChangesTheGradientFlowingUpstream() throws Exception {
    Tensor x = leaf(1, 2);
    Tensor h = x.mul(2.0);
    List<Tensor> seen = new ArrayList<>();
    AutoCloseable observer =
        h.registerHook(
            g -> {
              seen.add(g);
              return null; // observe only
            });
    AutoCloseable scaler = h.registerHook(g -> g.mul(3.0));
    h.sum().backward();
    assertEquals(1, seen.size());
    assertArrayEquals(new double[] {1, 1}, seen.get(0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray(), 0);

    scaler.close();
    observer.close();
    x.zeroGrad();
    Tensor h2 = x.mul(2.0);
    h2.sum().backward();
    assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void removingANonLeafHookStopsItOnTheSameGraph() throws Exception {
    Tensor x = leaf(1, 2);
    Tensor h = x.mul(2.0);
    Tensor y = h.sum();
    AutoCloseable scaler = h.registerHook(g -> g.mul(3.0));
    scaler.close();
    y.backward();
    assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), 0);
  }

  @Test
  void registerHookOnATensorThatDoesNotRequireGradThrows() {
    Tensor x = Tensor.of(new double[] {1});
    assertThrows(IllegalStateException.class, () -> x.registerHook(Function.identity()));
  }

  @Test
  void detachCutsTheGraphAndSharesMemory() {
    Tensor x = leaf(1, 2);
    Tensor d = x.detach();
    assertFalse(d.requiresGrad());
    assertTrue(d.isLeaf());
    d.mul(5.0).add(x).sum().backward();
    assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray(), 0);
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      x.addi(1.0);
    }
    assertArrayEquals(new double[] {2, 3}, d.toDoubleArray(), 0);
  }

  @Test
  void requiresGradFalseOnANonLeafThrows() {
    Tensor h = leaf(1).mul(2.0);
    assertThrows(IllegalStateException.class, () -> h.requiresGrad(false));
  }

  @Test
  void integerTensorsCannotRequireGrad() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.of(new long[] {1}).requiresGrad(true));
    assertTrue(e.getMessage().contains("INT64"), e.getMessage());
  }

  // ------------------------------------------------------------------ in place

  @Test
  void inPlaceChangeOfATensorSavedForBackwardMakesBackwardThrow() {
    Tensor x = leaf(1, 2);
    Tensor c = Tensor.of(new double[] {3, 4});
    Tensor y = x.mul(c).sum(); // mul saves c
    c.addi(1.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("in-place"), e.getMessage());
    assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
  }

  @Test
  void inPlaceChangeOfASavedOutputUnderNoGradMakesBackwardThrow() {
    Tensor x = leaf(1, 2);
    Tensor e = x.exp(); // exp saves its output
    Tensor y = e.sum();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      e.muli(2.0);
    }
    IllegalStateException ex = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(ex.getMessage().contains("in-place"), ex.getMessage());
  }

  @Test
  void inPlaceOpsBumpTheVersion() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 2);
    int v0 = t.version();
    t.addi(1.0);
    t.copy_(Tensor.ones(DType.FLOAT64, 2));
    t.fill_(2.0);
    assertEquals(v0 + 3, t.version());
  }

  @Test
  void inPlaceOnALeafThatRequiresGradThrowsWhileGradModeIsOn() {
    Tensor x = leaf(1, 2);
    List<Runnable> ops =
        List.of(
            () -> x.addi(1.0),
            () -> x.subi(Tensor.ones(DType.FLOAT64, 2)),
            () -> x.muli(2.0),
            () -> x.divi(2.0),
            () -> x.copy_(Tensor.zeros(DType.FLOAT64, 2)),
            () -> x.fill_(0.0),
            x::zero_);
    for (Runnable op : ops) {
      IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
      assertTrue(e.getMessage().contains("in-place"), e.getMessage());
    }
    assertArrayEquals(new double[] {1, 2}, x.toDoubleArray(), 0);
  }

  @Test
  void inPlaceOnANonLeafThatRequiresGradThrowsWhileGradModeIsOn() {
    Tensor h = leaf(1, 2).mul(2.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.addi(1.0));
    assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
  }

  @Test
  void inPlaceParameterUpdateIsAllowedUnderNoGrad() {
    Tensor w = leaf(1, 2);
    w.square().sum().backward();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      w.subi(w.grad().mul(0.5));
    }
    assertArrayEquals(new double[] {0, 0}, w.toDoubleArray(), 0);
    assertTrue(w.requiresGrad());
  }

  // ------------------------------------------------------------------ anomaly mode

  @Test
  void anomalyModeNamesTheOpWhoseBackwardProducedInfinity() {
    Tensor x = leaf(0.0, 1.0);
    try (Autograd.AnomalyMode ignored = Autograd.detectAnomaly()) {
      Tensor y = x.sqrt().sum();
      IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
      assertTrue(e.getMessage().contains("'sqrt'"), e.getMessage());
      assertNotNull(e.getCause(), "the forward stack trace is attached as the cause");
    }
  }

  @Test
  void anomalyModeNamesLogAtZero() {
    Tensor x = leaf(0.0, 2.0);
    try (Autograd.AnomalyMode ignored = Autograd.detectAnomaly()) {
      Tensor y = x.log().mul(3.0).sum();
      IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
      assertTrue(e.getMessage().contains("'log'"), e.getMessage());
    }
  }

  @Test
  void withoutAnomalyModeANonFiniteGradientPropagatesSilently() {
    Tensor x = leaf(0.0, 1.0);
    x.sqrt().sum().backward();
    assertEquals(Double.POSITIVE_INFINITY, x.grad().toDoubleArray()[0]);
    assertEquals(0.5, x.grad().toDoubleArray()[1], 0);
  }

  // ------------------------------------------------------------------ casts

  @Test
  void castGradientIsCastBackToTheInputType() {
    Tensor x = leaf(1.5, -2.0);
    Tensor y = x.to(DType.FLOAT32);
    assertEquals(DType.FLOAT32, y.dtype());
    assertEquals("to", y.gradFnName());
    y.mul(3.0).sum().backward();
    assertEquals(DType.FLOAT64, x.grad().dtype());
    assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), 0);

    Tensor f = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    f.to(DType.FLOAT64).square().sum().backward();
    assertEquals(DType.FLOAT32, f.grad().dtype());
    assertArrayEquals(new float[] {2, 4}, f.grad().toFloatArray(), 0);
  }

  @Test
  void castToTheSameTypeIsTheTensorItself() {
    Tensor x = leaf(1);
    assertSame(x, x.to(DType.FLOAT64));
  }

  @Test
  void castToAnIntegerTypeIsNotRecorded() {
    Tensor y = leaf(1.7).to(DType.INT64);
    assertFalse(y.requiresGrad());
    assertEquals(1, y.toLongArray()[0]);
  }

  // ------------------------------------------------------------------ errors

  @Test
  void integerTensorGivenToAFloatOnlyOpThrowsNamingTheOp() {
    Tensor i = Tensor.of(new long[] {1, 2, 3});
    assertMessageNames("exp", assertThrows(IllegalArgumentException.class, i::exp));
    assertMessageNames("log", assertThrows(IllegalArgumentException.class, i::log));
    assertMessageNames("sigmoid", assertThrows(IllegalArgumentException.class, i::sigmoid));
    assertMessageNames("mean", assertThrows(IllegalArgumentException.class, () -> i.mean()));
    assertMessageNames(
        "softmax", assertThrows(IllegalArgumentException.class, () -> F.softmax(i, 0)));
    assertMessageNames(
        "logSoftmax", assertThrows(IllegalArgumentException.class, () -> F.logSoftmax(i, 0)));
    assertMessageNames(
        "layerNorm",
        assertThrows(
            IllegalArgumentException.class,
            () -> F.layerNorm(i, new long[] {3}, null, null, 1e-5)));
    Tensor logits = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
    assertMessageNames(
        "crossEntropy",
        assertThrows(
            IllegalArgumentException.class,
            () -> F.crossEntropy(logits, Tensor.of(new long[] {0, 1}))));
  }

  private static void assertMessageNames(String op, IllegalArgumentException e) {
    assertTrue(
        e.getMessage().startsWith(op + ":"),
        "message should start with '" + op + ":': " + e.getMessage());
    assertTrue(e.getMessage().contains("INT"), e.getMessage());
  }

  @Test
  void matmulShapeMismatchNamesTheOpAndBothShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
    assertEquals("matmul: shapes [2, 3] and [4, 5] do not align (3 != 4)", e.getMessage());
  }

  @Test
  void matmulBatchMismatchNamesBothShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
    assertTrue(e.getMessage().startsWith("matmul:"), e.getMessage());
    assertTrue(
        e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[3, 4, 5]"),
        e.getMessage());
  }

  @Test
  void matmulOfA0dTensorThrows() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1).matmul(Tensor.zeros(2)));
  }

  @Test
  void crossEntropyTargetOutOfRangeThrows() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.crossEntropy(Tensor.zeros(2, 3), Tensor.of(new long[] {0, 3})));
    assertTrue(e.getMessage().startsWith("crossEntropy:"), e.getMessage());
  }

  @Test
  void crossEntropyTargetShapeMismatchNamesBothShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.crossEntropy(Tensor.zeros(2, 3), Tensor.of(new long[] {0, 1, 2})));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"), e.getMessage());
  }

  @Test
  void crossEntropyWithFloatTargetsThrows() {
    assertThrows(
        IllegalArgumentException.class, () -> F.crossEntropy(Tensor.zeros(2, 3), Tensor.zeros(2)));
  }

  @Test
  void crossEntropyMeanWithEveryTargetIgnoredIsZero() {
    Tensor logits = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
    Tensor loss = F.crossEntropy(logits, Tensor.of(new long[] {-100, -100}));
    assertEquals(0.0, loss.item(), 0);
    loss.backward();
    assertArrayEquals(new double[4], logits.grad().toDoubleArray(), 0);
  }

  @Test
  void layerNormShapeMismatchNamesBothShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.layerNorm(Tensor.zeros(2, 3), new long[] {4}, null, null, 1e-5));
    assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  @Test
  void attentionShapeMismatchNamesAllShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                F.scaledDotProductAttention(
                    Tensor.zeros(2, 3, 4),
                    Tensor.zeros(2, 3, 5),
                    Tensor.zeros(2, 3, 4),
                    false,
                    null));
    assertTrue(e.getMessage().startsWith("scaledDotProductAttention:"), e.getMessage());
    assertTrue(e.getMessage().contains("[2, 3, 5]"), e.getMessage());
  }

  @Test
  void linearShapeMismatchNamesBothShapes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 5), null));
    assertTrue(
        e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> F.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 3), Tensor.zeros(5)));
  }
}
