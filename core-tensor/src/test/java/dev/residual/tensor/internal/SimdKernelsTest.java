package dev.residual.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SimdKernelsTest {
  private static Tensor grid() {
    // 10,001 points in [-12, 12], plus a ragged length so the scalar tail runs too.
    double[] v = new double[10_001];
    for (int k = 0; k < v.length; k++) {
      v[k] = -12 + 24.0 * k / (v.length - 1);
    }
    return Tensor.of(v);
  }

  @Test
  void theTestJvmRunsTheSimdKernels() {
    assertTrue(Simd.ENABLED, "surefire starts the JVM with --add-modules jdk.incubator.vector");
  }

  @Test
  void simdGeluTanhAndItsGradientMatchFloat64ToSinglePrecision() {
    // Same (float-representable) inputs on both sides, so only the kernels' errors are compared.
    Tensor x32 = grid().to(DType.FLOAT32).requiresGrad(true);
    Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor y64 = x64.geluTanh();
    Tensor y32 = x32.geluTanh();
    y64.sum().backward();
    y32.sum().backward();
    assertClose(y64.toDoubleArray(), y32.toDoubleArray(), 1e-6, "value");
    // The derivative sums terms of opposite sign near x = -0.75, so allow a few float ulps.
    assertClose(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), 3e-6, "gradient");
  }

  @Test
  void simdExactGeluAndItsGradientMatchFloat64ToSinglePrecision() {
    Tensor x32 = grid().to(DType.FLOAT32).requiresGrad(true);
    Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor y64 = x64.gelu(); // FLOAT64 takes commons-math's erf: the reference
    Tensor y32 = x32.gelu();
    y64.sum().backward();
    y32.sum().backward();
    assertClose(y64.toDoubleArray(), y32.toDoubleArray(), 1e-6, "value");
    assertClose(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), 3e-6, "gradient");
  }

  @Test
  void simdExactGeluKeepsRelativePrecisionInTheNegativeTail() {
    // For x << 0 GELU is x Φ(x) with Φ tiny; computing Φ as 1 + erf would cancel to 0 or noise.
    // The float kernel stays within ~8 ulps (measured 4.9e-7) down to x = -13.
    double[] x = new double[4001];
    for (int k = 0; k < x.length; k++) {
      x[k] = -13.0 * k / (x.length - 1);
    }
    Tensor x32 = Tensor.of(x).to(DType.FLOAT32);
    double[] want = x32.to(DType.FLOAT64).gelu().toDoubleArray();
    double[] got = x32.gelu().toDoubleArray();
    double worst = 0;
    for (int k = 0; k < x.length; k++) {
      if (Math.abs(want[k]) > 1e-36) {
        worst = Math.max(worst, Math.abs(got[k] - want[k]) / Math.abs(want[k]));
      }
    }
    assertTrue(worst < 1e-6, "worst relative error in the tail " + worst);
  }

  @Test
  void simdExpMatchesFloat64ToSinglePrecision() {
    Tensor x32 = grid().mul(7.0).to(DType.FLOAT32);
    Tensor x64 = x32.to(DType.FLOAT64);
    assertClose(x64.exp().toDoubleArray(), x32.exp().toDoubleArray(), 1e-6, "exp");
  }

  private static void assertClose(double[] want, double[] got, double tol, String what) {
    double worst = 0;
    for (int k = 0; k < want.length; k++) {
      double err = Math.abs(want[k] - got[k]) / Math.max(1.0, Math.abs(want[k]));
      worst = Math.max(worst, err);
    }
    assertTrue(worst < tol, what + ": worst relative error " + worst);
  }
}
