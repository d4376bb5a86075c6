package dev.residual.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * FLOAT32 conv2d (heap im2col buffers reused across samples) against FLOAT64 for values and all
 * three gradients: a reused column buffer must keep zeros at the padding positions from sample to
 * sample, and several samples and groups must not see each other's data.
 */
class ConvFloat32Test {

  private static void check(
      int n, int cin, int cout, int h, int w, int k, int stride, int pad, int dil, boolean bias) {
    check(n, cin, cout, h, w, k, stride, pad, dil, bias, 1);
  }

  private static void check(
      int n,
      int cin,
      int cout,
      int h,
      int w,
      int k,
      int stride,
      int pad,
      int dil,
      boolean bias,
      int groups) {
    Generator g = new Generator(n * 31L + cin * 7L + k);
    Tensor x32 = Tensor.randn(g, n, cin, h, w).requiresGrad(true);
    Tensor w32 = Tensor.randn(g, cout, cin / groups, k, k).mul(0.3).detach().requiresGrad(true);
    Tensor b32 = bias ? Tensor.randn(g, cout).detach().requiresGrad(true) : null;
    Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor w64 = w32.detach().to(DType.FLOAT64).requiresGrad(true);
    Tensor b64 = bias ? b32.detach().to(DType.FLOAT64).requiresGrad(true) : null;
    int[] s = {stride, stride};
    int[] p = {pad, pad};
    int[] d = {dil, dil};
    Tensor y32 = F.conv2d(x32, w32, b32, s, p, d, groups);
    Tensor y64 = F.conv2d(x64, w64, b64, s, p, d, groups);
    assertArrayEquals(y64.shape(), y32.shape());
    Tensor up = Tensor.randn(g, y32.shape());
    y32.mul(up).sum().backward();
    y64.mul(up.to(DType.FLOAT64)).sum().backward();
    close(y64, y32, "value");
    close(x64.grad(), x32.grad(), "input gradient");
    close(w64.grad(), w32.grad(), "weight gradient");
    if (bias) {
      close(b64.grad(), b32.grad(), "bias gradient");
    }
  }

  private static void close(Tensor want, Tensor got, String what) {
    double[] a = want.toDoubleArray();
    double[] b = got.toDoubleArray();
    double scale = 1e-12;
    for (double v : a) {
      scale = Math.max(scale, Math.abs(v));
    }
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    assertTrue(worst <= 1e-5 * scale, what + ": max error " + worst + " at scale " + scale);
  }

  @Test
  void float32ConvMatchesFloat64OverSeveralSamples() {
    check(3, 4, 5, 9, 8, 3, 1, 1, 1, true);
    check(2, 3, 6, 10, 10, 3, 2, 1, 1, false);
    check(2, 2, 3, 11, 9, 3, 1, 2, 2, true);
    check(2, 3, 4, 7, 7, 2, 1, 0, 1, true);
    check(5, 4, 6, 8, 8, 3, 1, 1, 1, true);
  }

  @Test
  void float32GroupedConvMatchesFloat64() {
    check(3, 4, 6, 8, 8, 3, 1, 1, 1, true, 2);
  }
}
