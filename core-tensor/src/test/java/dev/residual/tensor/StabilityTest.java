package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import dev.residual.nn.functional.F.Reduction;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Numerical stability: ops that exponentiate stay finite for logits of ±1e4, and layer norm of a
 * constant row (zero variance) is finite, in value and gradient, in both floating types.
 */
class StabilityTest {
  private static final double[] EXTREME = {1e4, -1e4, 0, 1e4 - 1, -1e4, 5};

  private static Tensor extreme(DType type) {
    return Tensor.of(EXTREME, 2, 3).to(type);
  }

  /** Runs {@code f} on a leaf, backpropagates a non-uniform gradient, checks both are finite. */
  private static Tensor valueAndGradFinite(DType type, Function<Tensor, Tensor> f) {
    Tensor x = extreme(type).requiresGrad(true);
    Tensor y = f.apply(x);
    assertTrue(y.isFinite(), "value not finite: " + y);
    Tensor g = GradCheck.projection(y.shape()).to(y.dtype());
    y.backward(g);
    assertTrue(x.grad().isFinite(), "gradient not finite: " + x.grad());
    return y;
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void softmaxOfHugeLogitsIsFinite(DType type) {
    Tensor y = valueAndGradFinite(type, x -> F.softmax(x, -1));
    // Row 0: [1e4, -1e4, 0] -> [1, 0, 0]; row 1: [1e4-1, -1e4, 5] -> [1, 0, 0] up to e^-1e4.
    assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0}, y.toDoubleArray(), 1e-6);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void logSoftmaxOfHugeLogitsIsFinite(DType type) {
    Tensor y = valueAndGradFinite(type, x -> F.logSoftmax(x, -1));
    assertArrayEquals(new double[] {0, -2e4, -1e4, 0, -2e4 + 1, -1e4 + 6}, y.toDoubleArray(), 1e-3);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void logSoftmaxOverTheFirstDimOfHugeLogitsIsFinite(DType type) {
    valueAndGradFinite(type, x -> F.logSoftmax(x, 0));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void logSumExpOfHugeLogitsIsFinite(DType type) {
    Tensor y = valueAndGradFinite(type, x -> x.logSumExp(-1, false));
    assertEquals(1e4, y.toDoubleArray()[0], 1e-2);
    assertEquals(1e4 - 1, y.toDoubleArray()[1], 1e-2);
    Tensor twins = Tensor.of(new double[] {-1e4, -1e4}).to(type);
    assertEquals(-1e4 + Math.log(2), twins.logSumExp(0, false).item(), 1e-2);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void crossEntropyOfHugeLogitsIsFinite(DType type) {
    Tensor targets = Tensor.of(new long[] {1, 2});
    Tensor loss = valueAndGradFinite(type, x -> F.crossEntropy(x, targets));
    // Row 0: lse = 1e4, loss = 1e4 - (-1e4) = 2e4; row 1: lse = 1e4-1, loss = 1e4 - 6.
    assertEquals((2e4 + 1e4 - 6) / 2, loss.item(), 1e-2);
    Tensor none = valueAndGradFinite(type, x -> F.crossEntropy(x, targets, -100, Reduction.NONE));
    assertArrayEquals(new double[] {2e4, 1e4 - 6}, none.toDoubleArray(), 1e-2);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void crossEntropyGradientOfHugeLogitsIsSoftmaxMinusOneHot(DType type) {
    Tensor x = extreme(type).requiresGrad(true);
    F.crossEntropy(x, Tensor.of(new long[] {1, 0}), -100, Reduction.SUM).backward();
    assertArrayEquals(new double[] {1, -1, 0, 0, 0, 0}, x.grad().toDoubleArray(), 1e-6);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void layerNormOfAConstantRowIsFiniteInValueAndGradient(DType type) {
    Tensor x = Tensor.of(new double[] {3, 3, 3, 3, 1, 2, 4, 7}, 2, 4).to(type).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {1.5, -0.5, 2, 1}).to(type).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {0.1, 0.2, 0.3, 0.4}).to(type).requiresGrad(true);
    Tensor y = F.layerNorm(x, new long[] {4}, w, b, 1e-5);
    assertTrue(y.isFinite());
    double[] v = y.toDoubleArray();
    assertArrayEquals(
        new double[] {0.1, 0.2, 0.3, 0.4}, new double[] {v[0], v[1], v[2], v[3]}, 1e-6);
    y.backward(GradCheck.projection(y.shape()).to(type));
    assertTrue(x.grad().isFinite(), "x grad " + x.grad());
    assertTrue(w.grad().isFinite(), "w grad " + w.grad());
    assertTrue(b.grad().isFinite(), "b grad " + b.grad());
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void layerNormOfAConstantRowWithoutAffineIsZeroWithFiniteGradient(DType type) {
    Tensor x = Tensor.full(-2.5, type, 3, 5).requiresGrad(true);
    Tensor y = F.layerNorm(x, new long[] {5}, null, null, 1e-5);
    assertArrayEquals(new double[15], y.toDoubleArray(), 0);
    y.backward(GradCheck.projection(y.shape()).to(type));
    assertTrue(x.grad().isFinite());
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void softmaxOfAnAllMinusInfinityRowIsZeroNotNaN(DType type) {
    Tensor x =
        Tensor.of(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}).to(type);
    assertArrayEquals(new double[] {0, 0}, F.softmax(x, 0).toDoubleArray(), 0);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void sigmoidAndSoftplusOfHugeInputsAreFinite(DType type) {
    Tensor x = Tensor.of(new double[] {-1e4, 1e4}).to(type).requiresGrad(true);
    Tensor s = x.sigmoid();
    assertArrayEquals(new double[] {0, 1}, s.toDoubleArray(), 0);
    Tensor sp = x.softplus();
    assertArrayEquals(new double[] {0, 1e4}, sp.toDoubleArray(), 0);
    s.add(sp).sum().backward();
    assertTrue(x.grad().isFinite());
  }
}
