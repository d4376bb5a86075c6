package dev.residual.tensor;

import dev.residual.tensor.internal.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/**
 * Finite-difference gradient checker (test utility).
 *
 * <p>For a function {@code f(inputs) -> out} it compares the autograd gradient of {@code L =
 * sum(out * r)}, with {@code r} a fixed random tensor of {@code out}'s shape, against central
 * differences {@code (L(x + eps) - L(x - eps)) / (2 eps)} for every element of every checked input.
 * The projection {@code r} makes a non-scalar output fully covered (every output element has a
 * distinct weight, so a gradient routed to the wrong element is caught). Everything runs in
 * FLOAT64: the inputs must be FLOAT64 and so must the output.
 *
 * <p>An element passes when {@code |analytic - numeric| <= atol + rtol * max(|analytic|,
 * |numeric|)}. On failure the message names the op, the input index, the element (flat and
 * multi-index), and both values.
 */
public final class GradCheck {
  /** Central-difference step. */
  static final double EPS = 1e-6;

  /** Default relative tolerance. */
  static final double RTOL = 1e-6;

  /** Default absolute tolerance. */
  static final double ATOL = 1e-7;

  /** Seed of the output projection {@code r}. */
  private static final long PROJECTION_SEED = 20240601L;

  private GradCheck() {}

  /** The function under test: maps the (possibly perturbed) inputs to one output tensor. */
  @FunctionalInterface
  public interface Fn {
    /** The output for these inputs. */
    Tensor apply(Tensor[] in);
  }

  /**
   * An input held constant: not perturbed and not requiring grad (targets, masks, weights the op
   * does not differentiate).
   */
  public record Const(Tensor value) {}

  /**
   * Checks {@code fn}'s gradient for every floating input that is not wrapped in {@link Const}.
   * Integer and BOOL inputs are passed through unchanged.
   *
   * @param inputs {@link Tensor}s (checked if FLOAT64) or {@link Const}s
   * @throws AssertionFailedError naming the op, input, element and both values on a mismatch
   */
  public static void check(String op, Fn fn, Object[] inputs) {
    check(op, fn, inputs, RTOL, ATOL);
  }

  /** As {@link #check(String, Fn, Object[])} with explicit tolerances. */
  public static void check(String op, Fn fn, Object[] inputs, double rtol, double atol) {
    int n = inputs.length;
    Tensor[] base = new Tensor[n];
    boolean[] checked = new boolean[n];
    for (int k = 0; k < n; k++) {
      Object o = inputs[k];
      if (o instanceof Const c) {
        base[k] = c.value();
      } else if (o instanceof Tensor t) {
        base[k] = t;
        if (t.dtype().isFloatingPoint()) {
          if (t.dtype() != DType.FLOAT64) {
            throw new AssertionFailedError(
                op + ": input " + k + " is " + t.dtype() + "; gradient checks need FLOAT64");
          }
          checked[k] = true;
        }
      } else {
        throw new IllegalArgumentException(op + ": input " + k + " is neither Tensor nor Const");
      }
    }

    // Analytic gradients: fresh leaves, backward with the projection as the output gradient.
    Tensor[] leaves = new Tensor[n];
    for (int k = 0; k < n; k++) {
      leaves[k] = checked[k] ? copy(base[k]).requiresGrad(true) : base[k];
    }
    Tensor out = fn.apply(leaves);
    if (out.dtype() != DType.FLOAT64) {
      throw new AssertionFailedError(
          op + ": output is " + out.dtype() + "; gradient checks need a FLOAT64 output");
    }
    if (!out.requiresGrad()) {
      throw new AssertionFailedError(
          op
              + ": output of shape "
              + Arrays.toString(out.shape())
              + " does not require grad although its inputs do (op not recorded)");
    }
    Tensor r = projection(out.shape());
    double[] outValues = out.toDoubleArray();
    out.backward(r);

    // The forward value must not depend on whether the op is recorded.
    double[] plain;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      plain = fn.apply(copies(base, checked)).toDoubleArray();
    }
    for (int j = 0; j < outValues.length; j++) {
      if (!closeOrBothNaN(outValues[j], plain[j], 1e-12, 1e-14)) {
        throw new AssertionFailedError(
            op
                + ": forward value at output element "
                + j
                + " differs with grad recording ("
                + outValues[j]
                + ") and without ("
                + plain[j]
                + ")");
      }
    }

    double[] rv = r.toDoubleArray();
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (!checked[k]) {
        continue;
      }
      Tensor g = leaves[k].grad();
      long[] shape = base[k].shape();
      if (g != null) {
        if (!Arrays.equals(g.shape(), shape)) {
          throw new AssertionFailedError(
              op
                  + ": gradient of input "
                  + k
                  + " has shape "
                  + Arrays.toString(g.shape())
                  + ", input has shape "
                  + Arrays.toString(shape));
        }
        if (g.dtype() != DType.FLOAT64) {
          throw new AssertionFailedError(
              op + ": gradient of input " + k + " is " + g.dtype() + ", input is FLOAT64");
        }
      }
      double[] analytic = g == null ? new double[(int) base[k].numel()] : g.toDoubleArray();
      double[] numeric = numericGradient(fn, base, checked, k, rv);
      for (int j = 0; j < numeric.length; j++) {
        double a = analytic[j];
        double num = numeric[j];
        if (!(Math.abs(a - num) <= atol + rtol * Math.max(Math.abs(a), Math.abs(num)))) {
          failures.add(
              String.format(
                  "%s: input %d (shape %s) element %d at %s: analytic %.12g vs numeric %.12g"
                      + " (diff %.3g)",
                  op,
                  k,
                  Arrays.toString(shape),
                  j,
                  Arrays.toString(multiIndex(j, shape)),
                  a,
                  num,
                  Math.abs(a - num)));
        }
      }
    }
    if (!failures.isEmpty()) {
      StringBuilder msg =
          new StringBuilder(op + ": gradient check failed at " + failures.size() + " element(s)");
      for (int k = 0; k < Math.min(10, failures.size()); k++) {
        msg.append('\n').append("  ").append(failures.get(k));
      }
      if (failures.size() > 10) {
        msg.append("\n  ...");
      }
      throw new AssertionFailedError(msg.toString());
    }
  }

  /**
   * Runs {@code fn} on FLOAT32 copies of the floating inputs and compares its value and gradients
   * (for the projection used by {@link #check}) with the FLOAT64 run: the FLOAT32 kernels are
   * separate, faster loops, and this catches a bug in them that the FLOAT64 gradient check cannot
   * see. Also checks that each gradient has its input's type.
   */
  static void checkFloat32AgainstFloat64(String op, Fn fn, Object[] inputs) {
    int n = inputs.length;
    Tensor[] l64 = new Tensor[n];
    Tensor[] l32 = new Tensor[n];
    boolean[] checked = new boolean[n];
    for (int k = 0; k < n; k++) {
      Object o = inputs[k];
      Tensor t = o instanceof Const c ? c.value() : (Tensor) o;
      boolean fp = t.dtype().isFloatingPoint();
      checked[k] = fp && !(o instanceof Const);
      l64[k] = fp ? copy(t) : t;
      l32[k] = fp ? copy(t).to(DType.FLOAT32) : t;
      if (checked[k]) {
        l64[k].requiresGrad(true);
        l32[k].requiresGrad(true);
      }
    }
    Tensor out64 = fn.apply(l64);
    Tensor out32 = fn.apply(l32);
    Tensor r = projection(out64.shape());
    compare(op + " (value)", out64.toDoubleArray(), out32.toDoubleArray(), out64.shape());
    out64.backward(r);
    out32.backward(r.to(out32.dtype()));
    for (int k = 0; k < n; k++) {
      if (!checked[k]) {
        continue;
      }
      Tensor g64 = l64[k].grad();
      Tensor g32 = l32[k].grad();
      if (g32 != null && g32.dtype() != DType.FLOAT32) {
        throw new AssertionFailedError(
            op + ": gradient of FLOAT32 input " + k + " is " + g32.dtype());
      }
      double[] a = g64 == null ? new double[(int) l64[k].numel()] : g64.toDoubleArray();
      double[] b = g32 == null ? new double[(int) l32[k].numel()] : g32.toDoubleArray();
      compare(op + " (gradient of input " + k + ")", a, b, l64[k].shape());
    }
  }

  private static void compare(String what, double[] ref, double[] f32, long[] shape) {
    if (ref.length != f32.length) {
      throw new AssertionFailedError(
          what + ": FLOAT32 has " + f32.length + " elements, FLOAT64 " + ref.length);
    }
    for (int j = 0; j < ref.length; j++) {
      if (!closeOrBothNaN(ref[j], f32[j], 1e-4, 1e-5)) {
        throw new AssertionFailedError(
            String.format(
                "%s: FLOAT32 %.9g vs FLOAT64 %.12g at element %d %s",
                what, f32[j], ref[j], j, Arrays.toString(multiIndex(j, shape))));
      }
    }
  }

  /** d L / d input[k] by central differences, L = sum(out * r). */
  private static double[] numericGradient(
      Fn fn, Tensor[] base, boolean[] checked, int k, double[] r) {
    Tensor[] work = copies(base, checked);
    Tensor x = work[k];
    int m = (int) x.numel();
    double[] num = new double[m];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int j = 0; j < m; j++) {
        double v = x.storage().getDouble(j);
        x.storage().setDouble(j, v + EPS);
        double plus = project(fn.apply(work), r);
        x.storage().setDouble(j, v - EPS);
        double minus = project(fn.apply(work), r);
        x.storage().setDouble(j, v);
        num[j] = (plus - minus) / (2 * EPS);
      }
    }
    return num;
  }

  private static double project(Tensor out, double[] r) {
    double[] o = out.toDoubleArray();
    if (o.length != r.length) {
      throw new AssertionFailedError(
          "output changed size under perturbation: " + o.length + " vs " + r.length);
    }
    double s = 0;
    for (int j = 0; j < o.length; j++) {
      s += o[j] * r[j];
    }
    return s;
  }

  /** A fixed pseudo-random tensor in [-1, -0.1] ∪ [0.1, 1] (no weight near zero). */
  static Tensor projection(long[] shape) {
    Generator g = new Generator(PROJECTION_SEED);
    long count = 1;
    for (long s : shape) {
      count *= s;
    }
    double[] v = new double[(int) count];
    for (int j = 0; j < v.length; j++) {
      double u = 0.1 + 0.9 * g.nextDouble();
      v[j] = g.nextDouble() < 0.5 ? -u : u;
    }
    return Tensor.of(v).reshape(shape);
  }

  private static Tensor[] copies(Tensor[] base, boolean[] checked) {
    Tensor[] c = new Tensor[base.length];
    for (int k = 0; k < base.length; k++) {
      c[k] = checked[k] ? copy(base[k]) : base[k];
    }
    return c;
  }

  /** A detached FLOAT64 copy with its own memory. */
  private static Tensor copy(Tensor t) {
    return Tensor.of(t.toDoubleArray()).reshape(t.shape());
  }

  private static boolean closeOrBothNaN(double a, double b, double rtol, double atol) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (a == b) {
      return true;
    }
    return Math.abs(a - b) <= atol + rtol * Math.max(Math.abs(a), Math.abs(b));
  }

  static long[] multiIndex(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  /** Names of all ops recorded in the graph that produced {@code t} (empty for a leaf). */
  static Set<String> graphOps(Tensor t) {
    Set<String> names = new LinkedHashSet<>();
    Map<Node, Boolean> seen = new IdentityHashMap<>();
    List<Node> stack = new ArrayList<>();
    if (t.gradFn() != null) {
      stack.add(t.gradFn());
    }
    while (!stack.isEmpty()) {
      Node node = stack.remove(stack.size() - 1);
      if (seen.put(node, Boolean.TRUE) != null) {
        continue;
      }
      names.add(node.name);
      for (Object o : node.next) {
        if (o instanceof Node m) {
          stack.add(m);
        }
      }
    }
    return names;
  }

  /**
   * The ops recorded when {@code fn} runs on {@code inputs} with every checked input requiring grad
   * (a forward pass only; used by the coverage guard).
   */
  static Set<String> recordedOps(Fn fn, Object[] inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      Object o = inputs[k];
      if (o instanceof Const c) {
        leaves[k] = c.value();
      } else {
        Tensor t = (Tensor) o;
        leaves[k] = t.dtype().isFloatingPoint() ? copy(t).requiresGrad(true) : t;
      }
    }
    return graphOps(fn.apply(leaves));
  }
}
