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
  void simdSiluAndItsGradientMatchFloat64ToSinglePrecision() {
    Tensor x32 = grid().to(DType.FLOAT32).requiresGrad(true);
    Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor y64 = x64.silu();
    Tensor y32 = x32.silu();
    y64.sum().backward();
    y32.sum().backward();
    assertClose(y64.toDoubleArray(), y32.toDoubleArray(), 1e-6, "value");
    assertClose(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), 3e-6, "gradient");
    // Without grad the forward-only kernel runs; it must agree with the recording one exactly.
    Tensor y32NoGrad;
    try (var scope = Tensor.noGrad()) {
      y32NoGrad = x32.silu();
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        y32.toDoubleArray(), y32NoGrad.toDoubleArray(), "no-grad value");
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
  void simdLayerNormAndItsGradientsMatchFloat64() {
    // 130 rows (past the 64-row flush of the weight-gradient sums), 37 columns (a SIMD tail).
    dev.residual.tensor.Generator g = new dev.residual.tensor.Generator(3);
    Tensor x32 = Tensor.randn(g, 130, 37).mul(3.0).add(1.5).requiresGrad(true);
    Tensor w32 = Tensor.randn(g, 37).requiresGrad(true);
    Tensor b32 = Tensor.randn(g, 37).requiresGrad(true);
    Tensor up = Tensor.randn(g, 130, 37);
    Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor w64 = w32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor b64 = b32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor y32 = dev.residual.nn.functional.F.layerNorm(x32, new long[] {37}, w32, b32, 1e-5);
    Tensor y64 = dev.residual.nn.functional.F.layerNorm(x64, new long[] {37}, w64, b64, 1e-5);
    y32.mul(up).sum().backward();
    y64.mul(up.to(DType.FLOAT64)).sum().backward();
    assertClose(y64.toDoubleArray(), y32.toDoubleArray(), 2e-6, "value");
    assertClose(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), 2e-5, "x gradient");
    assertClose(w64.grad().toDoubleArray(), w32.grad().toDoubleArray(), 2e-5, "weight gradient");
    assertClose(b64.grad().toDoubleArray(), b32.grad().toDoubleArray(), 2e-5, "bias gradient");
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
