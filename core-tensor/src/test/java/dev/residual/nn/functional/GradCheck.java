package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.residual.tensor.Autograd;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Central finite-difference gradient check in FLOAT64 for the functional-op tests: compares the
 * autograd gradient of {@code <f(inputs), R>} (R a fixed random projection of the output) with
 * {@code (L(x + h) - L(x - h)) / 2h}, element by element.
 */
final class GradCheck {
  private static final double ATOL = 1e-6;
  private static final double RTOL = 1e-5;

  private GradCheck() {}

  /** Random FLOAT64 values of the given shape, seeded. */
  static Tensor randn(long seed, long... shape) {
    Generator g = new Generator(seed);
    Tensor t = Tensor.zeros(DType.FLOAT64, shape);
    for (int k = 0; k < t.numel(); k++) {
      t.storage().setDouble(k, g.nextGaussian());
    }
    return t;
  }

  /**
   * Checks the gradient of {@code f} with respect to every input (FLOAT64 leaves; they are marked
   * as requiring grad here).
   */
  static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    for (Tensor in : inputs) {
      assertEquals(DType.FLOAT64, in.dtype(), "gradient checks run in FLOAT64");
    }
    // The project-wide checker, with the looser tolerances convolutions' long sums need.
    dev.residual.tensor.GradCheck.check("f", f::apply, (Object[]) inputs, RTOL, ATOL);
  }

  /**
   * Checks that the FLOAT32 kernels give the same output and gradients as the FLOAT64 ones (up to
   * float rounding, {@code tol}): gradient checks run in FLOAT64, so this covers the float paths.
   */
  static void checkFloat32MatchesFloat64(
      Function<Tensor[], Tensor> f, double tol, Tensor... inputs) {
    Tensor[] in64 = new Tensor[inputs.length];
    Tensor[] in32 = new Tensor[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      in64[k] = inputs[k].to(DType.FLOAT64).detach().requiresGrad(true);
      in32[k] = inputs[k].to(DType.FLOAT32).detach().requiresGrad(true);
    }
    Tensor out64 = f.apply(in64);
    Tensor out32 = f.apply(in32);
    assertEquals(DType.FLOAT32, out32.dtype());
    assertArrayEquals(out64.toDoubleArray(), out32.toDoubleArray(), tol, "forward");
    Tensor r = randn(54321, out64.shape());
    List<Tensor> g64 = Autograd.grad(List.of(out64), Arrays.asList(in64), List.of(r), false);
    List<Tensor> g32 =
        Autograd.grad(List.of(out32), Arrays.asList(in32), List.of(r.to(DType.FLOAT32)), false);
    for (int k = 0; k < inputs.length; k++) {
      assertEquals(DType.FLOAT32, g32.get(k).dtype());
      assertArrayEquals(
          g64.get(k).toDoubleArray(), g32.get(k).toDoubleArray(), tol, "gradient of input " + k);
    }
  }
}
