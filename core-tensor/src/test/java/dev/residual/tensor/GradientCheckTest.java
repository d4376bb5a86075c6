package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.residual.nn.functional.F;
import dev.residual.nn.functional.F.Reduction;
import dev.residual.tensor.GradCheck.Const;
import dev.residual.tensor.GradCheck.Fn;
import dev.residual.tensor.internal.Pointwise;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference gradient checks of every differentiable op, driven by one table ({@link
 * #CASES}), and the guard that fails the build when an op records a backward without a check here.
 *
 * <p>Each case names the ops it covers. The guard ({@link #everyRecordedOpHasAGradientCheck}) scans
 * the main sources for the op names given to {@code Engine.record(...)} and the pointwise enums,
 * and requires each to be covered by a case (declared, or seen on the tape when the case runs) or
 * listed, with its reason, in {@link #NOT_FD_CHECKABLE}.
 */
class GradientCheckTest {

  /** One row of the table: a function of FLOAT64 inputs and the ops it exercises. */
  record Case(String name, Set<String> covers, Fn fn, Object[] inputs, double rtol, double atol) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Ops recorded on the tape whose gradient central differences cannot check, each with the reason.
   * Keep this list short; every entry must still be recorded somewhere (stale entries fail the
   * guard).
   */
  static final Map<String, String> NOT_FD_CHECKABLE =
      Map.of(
          "to",
          "only recorded between different floating types: FLOAT64 -> FLOAT32 rounds to float"
              + " precision, which a 1e-6 central difference cannot resolve (FLOAT64 -> FLOAT64"
              + " is the identity and records nothing; see the 'to float64 identity' case). The"
              + " cast's backward is checked exactly in"
              + " AutogradTest.castGradientIsCastBackToTheInputType.");

  private static final Generator RNG = new Generator(1234);

  static final List<Case> CASES = buildCases();

  // ------------------------------------------------------------------ input helpers

  private static long[] s(long... shape) {
    return shape;
  }

  private static int count(long[] shape) {
    int n = 1;
    for (long v : shape) {
      n *= (int) v;
    }
    return n;
  }

  /** Standard normal FLOAT64 values. */
  static Tensor randn(long... shape) {
    double[] v = new double[count(shape)];
    for (int k = 0; k < v.length; k++) {
      v[k] = RNG.nextGaussian();
    }
    return Tensor.of(v).reshape(shape);
  }

  /** Uniform FLOAT64 values in {@code [lo, hi)}. */
  static Tensor uniform(double lo, double hi, long... shape) {
    double[] v = new double[count(shape)];
    for (int k = 0; k < v.length; k++) {
      v[k] = lo + (hi - lo) * RNG.nextDouble();
    }
    return Tensor.of(v).reshape(shape);
  }

  /** Positive values in [0.5, 2) (log, sqrt, pow bases, divisors). */
  static Tensor pos(long... shape) {
    return uniform(0.5, 2.0, shape);
  }

  /** Values with |x| >= 0.2 (relu, abs and norm away from their kinks). */
  static Tensor nonZero(long... shape) {
    double[] v = new double[count(shape)];
    for (int k = 0; k < v.length; k++) {
      double m = 0.2 + Math.abs(RNG.nextGaussian());
      v[k] = RNG.nextDouble() < 0.5 ? -m : m;
    }
    return Tensor.of(v).reshape(shape);
  }

  /**
   * A shuffled grid {@code 0.25 m + 0.05}: values and absolute values are pairwise at least 0.05
   * apart and none is 0, so max/min/sort/topk/pooling and the inf-norm have no ties within eps.
   */
  static Tensor distinct(long... shape) {
    int n = count(shape);
    int[] perm = new int[n];
    for (int k = 0; k < n; k++) {
      perm[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = RNG.nextInt(k + 1);
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = 0.25 * (perm[k] - n / 2) + 0.05;
    }
    return Tensor.of(v).reshape(shape);
  }

  /** An INT64 index tensor. */
  static Tensor idx(long[] values, long... shape) {
    return Tensor.of(values, shape.length == 0 ? new long[] {values.length} : shape);
  }

  static Tensor bools(boolean[] values, long... shape) {
    return Tensor.of(values, shape);
  }

  static Const konst(Tensor t) {
    return new Const(t);
  }

  private static int[] ints(int... v) {
    return v;
  }

  // ------------------------------------------------------------------ the table

  private static final class Table {
    final List<Case> cases = new ArrayList<>();

    /** A case with default tolerances; {@code covers} is a space-separated list of op names. */
    void add(String name, String covers, Fn fn, Object... inputs) {
      cases.add(new Case(name, ops(covers), fn, inputs, GradCheck.RTOL, GradCheck.ATOL));
    }

    private static Set<String> ops(String covers) {
      return new LinkedHashSet<>(Arrays.asList(covers.trim().split("\\s+")));
    }
  }

  private static List<Case> buildCases() {
    Table t = new Table();
    elementwise(t);
    linearAlgebra(t);
    reductions(t);
    shapes(t);
    indexing(t);
    nn(t);
    return Collections.unmodifiableList(t.cases);
  }

  private static void elementwise(Table t) {
    // Binary tensor ops, same shape and broadcast both ways, including a 0-d operand.
    t.add("add [2,3]+[2,3]", "add", in -> in[0].add(in[1]), randn(2, 3), randn(2, 3));
    t.add("add [2,3]+[3]", "add", in -> in[0].add(in[1]), randn(2, 3), randn(3));
    t.add("add [4,1,3]+[2,1]", "add", in -> in[0].add(in[1]), randn(4, 1, 3), randn(2, 1));
    t.add("add 0-d+[3]", "add", in -> in[0].add(in[1]), randn(), randn(3));
    t.add(
        "add float64+int64 promotes",
        "add",
        in -> in[0].add(in[1]),
        randn(2, 3),
        idx(new long[] {1, -2, 3}));
    t.add("sub [2,3]-[2,3]", "sub", in -> in[0].sub(in[1]), randn(2, 3), randn(2, 3));
    t.add("sub [3,1]-[1,4]", "sub", in -> in[0].sub(in[1]), randn(3, 1), randn(1, 4));
    t.add("mul [2,3]*[2,3]", "mul", in -> in[0].mul(in[1]), randn(2, 3), randn(2, 3));
    t.add("mul [2,1,3]*[4,1]", "mul", in -> in[0].mul(in[1]), randn(2, 1, 3), randn(4, 1));
    t.add("mul x*x (same input twice)", "mul", in -> in[0].mul(in[0]), randn(2, 3));
    t.add("div [2,3]/[2,3]", "div", in -> in[0].div(in[1]), randn(2, 3), pos(2, 3));
    t.add("div [3,1]/[4]", "div", in -> in[0].div(in[1]), randn(3, 1), pos(4).neg());
    t.add("pow [2,3]^[2,3]", "pow", in -> in[0].pow(in[1]), pos(2, 3), randn(2, 3));
    t.add("pow [2,3]^[3]", "pow", in -> in[0].pow(in[1]), pos(2, 3), randn(3));
    t.add(
        "maximum [2,3] vs [3]",
        "maximum",
        in -> in[0].maximum(in[1]),
        distinct(2, 3),
        Tensor.of(new double[] {-0.12, 0.13, 0.61}));
    t.add(
        "minimum [2,3] vs [2,1]",
        "minimum",
        in -> in[0].minimum(in[1]),
        distinct(2, 3),
        Tensor.of(new double[] {0.11, -0.37}, 2, 1));

    // Scalar operands.
    t.add("add scalar", "add", in -> in[0].add(2.5), randn(2, 3));
    t.add("sub scalar", "sub", in -> in[0].sub(1.5), randn(2, 3));
    t.add("rsub scalar", "rsub", in -> in[0].rsub(3.0), randn(2, 3));
    t.add("mul scalar", "mul", in -> in[0].mul(-1.7), randn(2, 3));
    t.add("div scalar", "div", in -> in[0].div(0.3), randn(2, 3));
    t.add("pow scalar 3 (negative bases)", "pow", in -> in[0].pow(3.0), randn(2, 3));
    t.add("pow scalar 0.5", "pow", in -> in[0].pow(0.5), pos(2, 3));
    t.add("pow scalar -1.5", "pow", in -> in[0].pow(-1.5), pos(4));
    t.add("pow scalar 2 on 0-d", "pow", in -> in[0].pow(2.0), randn());

    // Unary ops on a 0-d and a 3-d input each.
    unary(t, "neg", Tensor::neg);
    unary(t, "exp", Tensor::exp);
    unaryOn(t, "log", Tensor::log, pos(), pos(2, 3, 2));
    unaryOn(t, "sqrt", Tensor::sqrt, pos(), pos(2, 3, 2));
    unaryOn(t, "rsqrt", Tensor::rsqrt, pos(), pos(2, 3, 2));
    unaryOn(t, "abs", Tensor::abs, nonZero(), nonZero(2, 3, 2));
    unary(t, "square", Tensor::square);
    unary(t, "sin", Tensor::sin);
    unary(t, "cos", Tensor::cos);
    unary(t, "tanh", Tensor::tanh);
    unary(t, "sigmoid", Tensor::sigmoid);
    unaryOn(t, "relu", Tensor::relu, nonZero(), nonZero(2, 3, 2));
    unary(t, "gelu", Tensor::gelu);
    unary(t, "geluTanh", Tensor::geluTanh);
    unary(t, "silu", Tensor::silu);
    unary(t, "softplus", Tensor::softplus);
    t.add(
        "softplus both sides of the threshold 20",
        "softplus",
        in -> in[0].softplus(),
        Tensor.of(new double[] {-30, -21, -5, 0.5, 19.5, 20.5, 30}));
    t.add("tanh large |x|", "tanh", in -> in[0].tanh(), Tensor.of(new double[] {-6, -3, 3, 6}));
    t.add("sigmoid large |x|", "sigmoid", in -> in[0].sigmoid(), Tensor.of(new double[] {-30, 30}));

    t.add(
        "clamp two-sided",
        "clamp",
        in -> in[0].clamp(-0.5, 0.5),
        Tensor.of(new double[] {-1.3, -0.7, -0.3, 0.1, 0.45, 0.9}, 2, 3));
    t.add(
        "clamp one-sided (min only)",
        "clamp",
        in -> in[0].clamp(0.3, Double.POSITIVE_INFINITY),
        Tensor.of(new double[] {-1.0, 0.2, 0.4, 2.0}));
    t.add(
        "clamp one-sided (max only)",
        "clamp",
        in -> in[0].clamp(Double.NEGATIVE_INFINITY, -0.1),
        Tensor.of(new double[] {-1.0, -0.2, 0.4, 2.0}));

    t.add(
        "where same shapes",
        "where",
        in -> Tensor.where(in[0], in[1], in[2]),
        bools(new boolean[] {true, false, false, true, true, false}, 2, 3),
        randn(2, 3),
        randn(2, 3));
    t.add(
        "where broadcast cond [3], a [2,1], b 0-d",
        "where",
        in -> Tensor.where(in[0], in[1], in[2]),
        bools(new boolean[] {true, false, true}, 3),
        randn(2, 1),
        randn());
    t.add(
        "maskedFill same shape",
        "maskedFill",
        in -> in[0].maskedFill(in[1], -3.0),
        randn(2, 3),
        bools(new boolean[] {true, false, false, true, false, true}, 2, 3));
    t.add(
        "maskedFill broadcast mask [1,3] over [2,2,3]",
        "maskedFill",
        in -> in[0].maskedFill(in[1], 7.0),
        randn(2, 2, 3),
        bools(new boolean[] {false, true, false}, 1, 3));
    t.add("clone", "clone", in -> in[0].clone(), randn(2, 3));
    t.add(
        "to float64 identity", "to(FLOAT64->FLOAT64)", in -> in[0].to(DType.FLOAT64), randn(2, 3));
  }

  private static void unary(Table t, String op, java.util.function.Function<Tensor, Tensor> f) {
    unaryOn(t, op, f, randn(), randn(2, 3, 2));
  }

  private static void unaryOn(
      Table t,
      String op,
      java.util.function.Function<Tensor, Tensor> f,
      Tensor scalar,
      Tensor tensor) {
    t.add(op + " 0-d", op, in -> f.apply(in[0]), scalar);
    t.add(op + " [2,3,2]", op, in -> f.apply(in[0]), tensor);
  }

  private static void linearAlgebra(Table t) {
    Fn mm = in -> in[0].matmul(in[1]);
    t.add("matmul 1-D·1-D", "matmul", mm, randn(4), randn(4));
    t.add("matmul 2-D·2-D", "matmul", mm, randn(2, 3), randn(3, 4));
    t.add("matmul 1-D·2-D", "matmul", mm, randn(3), randn(3, 4));
    t.add("matmul 2-D·1-D", "matmul", mm, randn(2, 3), randn(3));
    t.add(
        "matmul batched, broadcast batch [2,1]x[3]",
        "matmul",
        mm,
        randn(2, 1, 2, 3),
        randn(3, 3, 2));
    t.add("matmul [B,T,C]·[C,D]", "matmul", mm, randn(2, 3, 4), randn(4, 2));
    t.add("matmul [2,3,4]·[1,4,2] (size-1 batch)", "matmul", mm, randn(2, 3, 4), randn(1, 4, 2));
    t.add(
        "matmul [1,3,4]·[2,4,2] (left batch broadcast)",
        "matmul",
        mm,
        randn(1, 3, 4),
        randn(2, 4, 2));
    t.add("matmul [T,C]·[B,C,D]", "matmul", mm, randn(3, 4), randn(2, 4, 2));
    t.add("matmul 1-D·3-D", "matmul", mm, randn(3), randn(2, 3, 2));
    t.add("matmul 3-D·1-D", "matmul", mm, randn(2, 2, 3), randn(3));
    t.add("matmul x·x (same input twice)", "matmul", in -> in[0].matmul(in[0]), randn(3, 3));

    t.add(
        "linear [2,3] with bias",
        "linear",
        in -> F.linear(in[0], in[1], in[2]),
        randn(2, 3),
        randn(4, 3),
        randn(4));
    t.add(
        "linear [2,2,3] without bias",
        "linear",
        in -> F.linear(in[0], in[1], null),
        randn(2, 2, 3),
        randn(4, 3));
    t.add(
        "linear 1-D input",
        "linear",
        in -> F.linear(in[0], in[1], in[2]),
        randn(3),
        randn(2, 3),
        randn(2));
  }

  private static void reductions(Table t) {
    t.add("sum all", "sum", in -> in[0].sum(), randn(2, 3, 4));
    t.add("sum dim 1", "sum", in -> in[0].sum(1), randn(2, 3, 4));
    t.add("sum dim -1 keepDim", "sum", in -> in[0].sum(-1, true), randn(2, 3, 4));
    t.add("sum dims {0,2}", "sum", in -> in[0].sum(ints(0, 2), false), randn(2, 3, 4));
    t.add("sum dims {-1,0} keepDim", "sum", in -> in[0].sum(ints(-1, 0), true), randn(2, 3, 4));
    t.add("mean all", "mean", in -> in[0].mean(), randn(2, 3, 4));
    t.add("mean dim -2 keepDim", "mean", in -> in[0].mean(-2, true), randn(2, 3, 4));
    t.add("mean dims {0,2}", "mean", in -> in[0].mean(ints(0, 2), false), randn(2, 3, 4));

    t.add("max all", "max", in -> in[0].max(), distinct(2, 3));
    t.add("min all", "min", in -> in[0].min(), distinct(2, 3));
    t.add("max dim 1", "max", in -> in[0].max(1, false).values(), distinct(3, 4));
    t.add("max dim -1 keepDim", "max", in -> in[0].max(-1, true).values(), distinct(2, 3, 4));
    t.add("min dim 0", "min", in -> in[0].min(0, false).values(), distinct(2, 3, 4));
    t.add("min dim -2 keepDim", "min", in -> in[0].min(-2, true).values(), distinct(2, 3, 4));

    t.add("var all unbiased", "var", in -> in[0].var(true), randn(2, 3));
    t.add("var all biased", "var", in -> in[0].var(false), randn(5));
    t.add("var dim 1 biased keepDim", "var", in -> in[0].var(ints(1), false, true), randn(2, 3, 4));
    t.add(
        "var dims {0,-1} unbiased",
        "var",
        in -> in[0].var(ints(0, -1), true, false),
        randn(2, 3, 4));
    t.add("std all unbiased", "std", in -> in[0].std(true), randn(2, 3));
    t.add("std dim -1 biased keepDim", "std", in -> in[0].std(ints(-1), false, true), randn(3, 4));
    t.add(
        "std dims {0,2} unbiased", "std", in -> in[0].std(ints(0, 2), true, false), randn(2, 3, 4));

    t.add("logSumExp dim 1", "logSumExp", in -> in[0].logSumExp(1, false), randn(2, 3));
    t.add("logSumExp dim -2 keepDim", "logSumExp", in -> in[0].logSumExp(-2, true), randn(2, 3, 4));
    t.add("logSumExp dim 0", "logSumExp", in -> in[0].logSumExp(0, false), randn(3, 2, 2));

    t.add("norm L2 all", "norm", in -> in[0].norm(), randn(2, 3));
    t.add("norm L1 dim 1", "norm", in -> in[0].norm(1, ints(1), false), nonZero(2, 3));
    t.add(
        "norm Linf dim -1 keepDim",
        "norm",
        in -> in[0].norm(Double.POSITIVE_INFINITY, ints(-1), true),
        distinct(2, 3, 4));
    t.add(
        "norm L2 dims {0,2} keepDim",
        "norm",
        in -> in[0].norm(2, ints(0, 2), true),
        randn(2, 3, 4));
    t.add("norm L2 all via dims null", "norm", in -> in[0].norm(2, null, false), randn(4));
    t.add("norm L3 all", "norm", in -> in[0].norm(3, null, false), nonZero(2, 3));

    t.add("cumsum 1-D", "cumsum", in -> in[0].cumsum(0), randn(5));
    t.add("cumsum dim 1", "cumsum", in -> in[0].cumsum(1), randn(2, 3, 4));
    t.add("cumsum dim -1", "cumsum", in -> in[0].cumsum(-1), randn(2, 3, 4));

    t.add("sort dim -1 ascending", "sort", in -> in[0].sort(-1, false).values(), distinct(2, 5));
    t.add("sort dim 0 descending", "sort", in -> in[0].sort(0, true).values(), distinct(4, 3));
    t.add("sort dim 1 of 3-d", "sort", in -> in[0].sort(1, false).values(), distinct(2, 3, 4));
    t.add(
        "topk k=2 dim -1 largest",
        "topk",
        in -> in[0].topk(2, -1, true, true).values(),
        distinct(2, 5));
    t.add(
        "topk k=3 dim 0 smallest",
        "topk",
        in -> in[0].topk(3, 0, false, true).values(),
        distinct(5, 3));
    t.add(
        "topk default (last dim, largest)",
        "topk",
        in -> in[0].topk(2).values(),
        distinct(2, 3, 4));
  }

  private static void shapes(Table t) {
    t.add("reshape with -1", "reshape", in -> in[0].reshape(6, -1), randn(2, 3, 4));
    t.add("view", "reshape view", in -> in[0].view(4, 6), randn(2, 3, 4));
    t.add("permute (2,0,1)", "permute", in -> in[0].permute(2, 0, 1), randn(2, 3, 4));
    t.add(
        "permute negative dims (-1,0,-2)",
        "permute",
        in -> in[0].permute(-1, 0, -2),
        randn(2, 3, 4));
    t.add("transpose (0,-1)", "transpose", in -> in[0].transpose(0, -1), randn(2, 3, 4));
    t.add("transpose (1,2)", "transpose", in -> in[0].transpose(1, 2), randn(2, 3, 4));
    t.add("t", "t", in -> in[0].t(), randn(2, 3));
    t.add("unsqueeze -1", "unsqueeze", in -> in[0].unsqueeze(-1), randn(2, 3));
    t.add(
        "unsqueeze 0 then matmul",
        "unsqueeze",
        in -> in[0].unsqueeze(0).matmul(in[1]),
        randn(3),
        randn(3, 2));
    t.add("squeeze all", "squeeze", in -> in[0].squeeze(), randn(2, 1, 3, 1));
    t.add("squeeze dim -2", "squeeze", in -> in[0].squeeze(-2), randn(2, 1, 3));
    t.add("flatten", "flatten", in -> in[0].flatten(), randn(2, 3, 4));
    t.add("flatten 1..-1", "flatten", in -> in[0].flatten(1, -1), randn(2, 3, 4));
    t.add("expand [3,1] -> [2,3,4]", "expand", in -> in[0].expand(2, 3, 4), randn(3, 1));
    t.add("expand with -1", "expand", in -> in[0].expand(-1, 5), randn(2, 1));
    t.add("repeat (2,1,2) adds a dim", "repeat", in -> in[0].repeat(2, 1, 2), randn(2, 3));
    t.add("repeat (3,1)", "repeat", in -> in[0].repeat(3, 1), randn(2, 2));
    t.add("narrow dim 1", "narrow slice", in -> in[0].narrow(1, 1, 2), randn(2, 4));
    t.add("narrow dim -1", "narrow slice", in -> in[0].narrow(-1, 0, 3), randn(2, 3, 4));
    t.add("slice step 2", "slice", in -> in[0].slice(1, 0, 5, 2), randn(2, 5));
    t.add("slice negative start/end", "slice", in -> in[0].slice(-1, -3, -1, 1), randn(2, 5));
    t.add("slice end clamped, step 3", "slice", in -> in[0].slice(0, 1, 100, 3), randn(8, 2));
    t.add("select dim 0 index -1", "select", in -> in[0].select(0, -1), randn(3, 4));
    t.add("select dim -1 index 1", "select", in -> in[0].select(-1, 1), randn(2, 3, 4));
    t.add(
        "cat dim 0 of three",
        "cat",
        in -> Tensor.cat(0, in[0], in[1], in[2]),
        randn(2, 3),
        randn(1, 3),
        randn(3, 3));
    t.add(
        "cat dim -1, same tensor twice",
        "cat",
        in -> Tensor.cat(-1, in[0], in[1], in[0]),
        randn(2, 2),
        randn(2, 3));
    t.add("stack dim 1", "stack", in -> Tensor.stack(1, in[0], in[1]), randn(2, 3), randn(2, 3));
    t.add(
        "stack dim -1",
        "stack",
        in -> Tensor.stack(-1, in[0], in[1], in[0]),
        randn(2, 3),
        randn(2, 3));
    t.add(
        "split size 2 along dim 1 (pieces reversed)",
        "split",
        in -> joinReversed(in[0].split(2, 1), 1),
        randn(2, 5));
    t.add(
        "split sizes {1,3} along dim -1",
        "split",
        in -> joinReversed(in[0].split(new long[] {1, 3}, -1), -1),
        randn(2, 4));
    t.add("chunk 3 along dim 0", "chunk", in -> joinReversed(in[0].chunk(3, 0), 0), randn(7, 2));
    t.add("tril", "tril", in -> in[0].tril(), randn(3, 4));
    t.add("tril diagonal -1 batched", "tril", in -> in[0].tril(-1), randn(2, 3, 3));
    t.add("triu", "triu", in -> in[0].triu(), randn(4, 3));
    t.add("triu diagonal 1 batched", "triu", in -> in[0].triu(1), randn(2, 3, 3));
    t.add("contiguous", "contiguous", in -> in[0].contiguous().mul(2.0), randn(2, 3));
  }

  /** Pieces joined in reverse order, each scaled by a different factor, so routing errors show. */
  private static Tensor joinReversed(List<Tensor> pieces, int dim) {
    List<Tensor> rev = new ArrayList<>();
    for (int k = pieces.size() - 1; k >= 0; k--) {
      rev.add(pieces.get(k).mul(k + 1.0));
    }
    return Tensor.cat(rev, dim);
  }

  private static void indexing(Table t) {
    t.add(
        "gather dim 1, repeated indices",
        "gather",
        in -> in[0].gather(1, in[1]),
        randn(3, 4),
        idx(new long[] {0, 0, 3, 1, 2, 2}, 3, 2));
    t.add(
        "gather dim -1 of 3-d",
        "gather",
        in -> in[0].gather(-1, in[1]),
        randn(2, 3, 4),
        idx(new long[] {0, 1, 1, 3, 3, 3, 2, 0, 2, 1, 1, 0, 0, 0, 0, 3, 2, 1}, 2, 3, 3));
    t.add(
        "gather dim 0, index longer than the dim",
        "gather",
        in -> in[0].gather(0, in[1]),
        randn(3, 2),
        idx(new long[] {2, 0, 0, 0, 1, 2, 2, 2}, 4, 2));
    t.add(
        "indexSelect dim 0, repeated",
        "indexSelect",
        in -> in[0].indexSelect(0, in[1]),
        randn(4, 3),
        idx(new long[] {2, 0, 2, 2}));
    t.add(
        "indexSelect dim -1",
        "indexSelect",
        in -> in[0].indexSelect(-1, in[1]),
        randn(2, 3, 4),
        idx(new long[] {3, 0}));
    t.add(
        "embedding [2,3] indices, repeated",
        "embedding",
        in -> F.embedding(in[1], in[0]),
        randn(5, 3),
        idx(new long[] {1, 4, 1, 1, 0, 4}, 2, 3));
    t.add(
        "embedding INT32 1-D indices",
        "embedding",
        in -> F.embedding(in[1], in[0]),
        randn(4, 2),
        Tensor.of(new int[] {3, 3, 0}));
    t.add(
        "scatterAdd dim 0, repeated",
        "scatterAdd",
        in -> in[0].scatterAdd(0, in[1], in[2]),
        randn(3, 4),
        idx(new long[] {0, 2, 2, 1, 0, 2, 0, 1}, 2, 4),
        randn(2, 4));
    t.add(
        "scatterAdd dim -1, repeated",
        "scatterAdd",
        in -> in[0].scatterAdd(-1, in[1], in[2]),
        randn(2, 5),
        idx(new long[] {4, 4, 0, 1, 1, 1}, 2, 3),
        randn(2, 3));
  }

  private static void nn(Table t) {
    t.add("softmax dim -1", "softmax", in -> F.softmax(in[0], -1), randn(2, 3, 4));
    t.add("softmax dim 0", "softmax", in -> F.softmax(in[0], 0), randn(2, 3, 4));
    t.add("softmax dim 1", "softmax", in -> F.softmax(in[0], 1), randn(2, 3, 4));
    t.add("softmax 1-D", "softmax", in -> F.softmax(in[0], 0), randn(5));
    t.add("logSoftmax dim -1", "logSoftmax", in -> F.logSoftmax(in[0], -1), randn(2, 3, 4));
    t.add("logSoftmax dim 1", "logSoftmax", in -> F.logSoftmax(in[0], 1), randn(2, 3, 4));
    t.add("logSoftmax dim 0", "logSoftmax", in -> F.logSoftmax(in[0], 0), randn(3, 2));

    int ig = F.DEFAULT_IGNORE_INDEX;
    t.add(
        "crossEntropy [3,4] mean",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1]),
        randn(3, 4),
        idx(new long[] {0, 3, 1}));
    t.add(
        "crossEntropy ignore index, mean",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1]),
        randn(4, 5),
        idx(new long[] {2, ig, 4, 2}));
    t.add(
        "crossEntropy sum",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1], ig, Reduction.SUM),
        randn(3, 4),
        idx(new long[] {1, 1, ig}));
    t.add(
        "crossEntropy none",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1], ig, Reduction.NONE),
        randn(3, 4),
        idx(new long[] {3, ig, 0}));
    t.add(
        "crossEntropy [B,T,C] logits, custom ignore index 2",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1], 2, Reduction.MEAN),
        randn(2, 3, 4),
        idx(new long[] {0, 2, 3, 1, 2, 0}, 2, 3));
    t.add(
        "crossEntropy [B,T,C] none",
        "crossEntropy",
        in -> F.crossEntropy(in[0], in[1], ig, Reduction.NONE),
        randn(2, 3, 4),
        idx(new long[] {0, 1, 3, ig, 2, 2}, 2, 3));
    t.add(
        "nllLoss [3,4] mean",
        "nllLoss",
        in -> F.nllLoss(in[0], in[1]),
        randn(3, 4),
        idx(new long[] {0, 3, 3}));
    t.add(
        "nllLoss [2,3,4] none, ignore index",
        "nllLoss",
        in -> F.nllLoss(in[0], in[1], ig, Reduction.NONE),
        randn(2, 3, 4),
        idx(new long[] {0, ig, 3, 1, 1, 2}, 2, 3));
    t.add(
        "nllLoss sum",
        "nllLoss",
        in -> F.nllLoss(in[0], in[1], ig, Reduction.SUM),
        randn(3, 4),
        idx(new long[] {2, 2, 0}));

    t.add("mseLoss mean", "mseLoss", in -> F.mseLoss(in[0], in[1]), randn(2, 3), randn(2, 3));
    t.add(
        "mseLoss sum",
        "mseLoss",
        in -> F.mseLoss(in[0], in[1], Reduction.SUM),
        randn(2, 3),
        randn(2, 3));
    t.add(
        "mseLoss none",
        "mseLoss",
        in -> F.mseLoss(in[0], in[1], Reduction.NONE),
        randn(2, 3),
        randn(2, 3));
    t.add(
        "mseLoss broadcast target [3]",
        "mseLoss",
        in -> F.mseLoss(in[0], in[1]),
        randn(2, 3),
        randn(3));
    // Targets are held constant except in the one case that checks their gradient (PyTorch
    // differentiates BCE-with-logits with respect to the target too; posWeight it does not).
    String bce = "binaryCrossEntropyWithLogits";
    Fn bceMean = in -> F.binaryCrossEntropyWithLogits(in[0], in[1]);
    t.add(
        "binaryCrossEntropyWithLogits mean", bce, bceMean, randn(2, 3), konst(uniform(0, 1, 2, 3)));
    t.add(
        "binaryCrossEntropyWithLogits large logits",
        bce,
        bceMean,
        Tensor.of(new double[] {-30, -8, 8, 30}),
        konst(uniform(0, 1, 4)));
    t.add(
        "binaryCrossEntropyWithLogits posWeight [3], mean",
        bce,
        in -> F.binaryCrossEntropyWithLogits(in[0], in[1], in[2], Reduction.MEAN),
        randn(2, 3),
        konst(uniform(0, 1, 2, 3)),
        konst(pos(3)));
    t.add(
        "binaryCrossEntropyWithLogits posWeight, sum",
        bce,
        in -> F.binaryCrossEntropyWithLogits(in[0], in[1], in[2], Reduction.SUM),
        randn(2, 3),
        konst(uniform(0, 1, 2, 3)),
        konst(pos(3)));
    t.add(
        "binaryCrossEntropyWithLogits none",
        bce,
        in -> F.binaryCrossEntropyWithLogits(in[0], in[1], null, Reduction.NONE),
        randn(2, 3),
        konst(uniform(0, 1, 2, 3)));
    t.add(
        "binaryCrossEntropyWithLogits gradient w.r.t. targets, posWeight",
        bce,
        in -> F.binaryCrossEntropyWithLogits(in[0], in[1], in[2], Reduction.MEAN),
        randn(2, 3),
        uniform(0, 1, 2, 3),
        konst(pos(3)));

    // The generator is created inside the function, so every evaluation draws the same mask.
    t.add(
        "dropout p=0.3 training",
        "dropout",
        in -> F.dropout(in[0], 0.3, new Generator(11), true),
        randn(3, 4));
    t.add(
        "dropout p=0.5 training 3-d",
        "dropout",
        in -> F.dropout(in[0], 0.5, new Generator(12), true),
        randn(2, 3, 4));
    t.add(
        "dropout eval mode is the identity",
        "dropout",
        in -> F.dropout(in[0], 0.5, new Generator(13), false).mul(1.0),
        randn(3));
    t.add(
        "dropout p=0 training",
        "dropout",
        in -> F.dropout(in[0], 0.0, new Generator(14), true).mul(1.0),
        randn(3));

    t.add(
        "layerNorm [3,4] over [4] with weight and bias",
        "layerNorm",
        in -> F.layerNorm(in[0], s(4), in[1], in[2], 1e-5),
        randn(3, 4),
        randn(4),
        randn(4));
    t.add(
        "layerNorm [3,4] over [4] without affine",
        "layerNorm",
        in -> F.layerNorm(in[0], s(4), null, null, 1e-5),
        randn(3, 4));
    t.add(
        "layerNorm [2,3,4] over [3,4] with weight and bias",
        "layerNorm",
        in -> F.layerNorm(in[0], s(3, 4), in[1], in[2], 1e-5),
        randn(2, 3, 4),
        randn(3, 4),
        randn(3, 4));
    t.add(
        "layerNorm [2,3,4] over [4] weight only",
        "layerNorm",
        in -> F.layerNorm(in[0], s(4), in[1], null, 1e-5),
        randn(2, 3, 4),
        randn(4));
    t.add(
        "layerNorm bias only",
        "layerNorm",
        in -> F.layerNorm(in[0], s(3), null, in[1], 1e-5),
        randn(2, 3),
        randn(3));

    t.add(
        "groupNorm [2,4,3] 2 groups with weight and bias",
        "groupNorm",
        in -> F.groupNorm(in[0], 2, in[1], in[2], 1e-5),
        randn(2, 4, 3),
        randn(4),
        randn(4));
    t.add(
        "groupNorm [2,6,2,2] 3 groups without affine",
        "groupNorm",
        in -> F.groupNorm(in[0], 3, null, null, 1e-5),
        randn(2, 6, 2, 2));
    t.add(
        "groupNorm 1 group",
        "groupNorm",
        in -> F.groupNorm(in[0], 1, in[1], in[2], 1e-5),
        randn(2, 3, 4),
        randn(3),
        randn(3));
    t.add(
        "groupNorm groups = channels",
        "groupNorm",
        in -> F.groupNorm(in[0], 4, in[1], null, 1e-5),
        randn(1, 4, 5),
        randn(4));

    t.add(
        "conv2d stride 1 no padding",
        "conv2d",
        in -> F.conv2d(in[0], in[1], in[2], 1, 0),
        randn(2, 2, 5, 5),
        randn(3, 2, 3, 3),
        randn(3));
    t.add(
        "conv2d stride 2 padding 1",
        "conv2d",
        in -> F.conv2d(in[0], in[1], in[2], 2, 1),
        randn(1, 2, 5, 5),
        randn(2, 2, 3, 3),
        randn(2));
    t.add(
        "conv2d dilation 2 padding 2, no bias",
        "conv2d",
        in -> F.conv2d(in[0], in[1], null, ints(1, 1), ints(2, 2), ints(2, 2), 1),
        randn(1, 1, 6, 6),
        randn(2, 1, 3, 3));
    t.add(
        "conv2d groups 2, stride {1,2}, padding {1,0}",
        "conv2d",
        in -> F.conv2d(in[0], in[1], in[2], ints(1, 2), ints(1, 0), ints(1, 1), 2),
        randn(1, 4, 4, 4),
        randn(4, 2, 2, 2),
        randn(4));
    t.add(
        "conv2d non-square kernel",
        "conv2d",
        in -> F.conv2d(in[0], in[1], null, ints(1, 1), ints(0, 1), ints(1, 1), 1),
        randn(1, 2, 4, 5),
        randn(2, 2, 2, 3));

    t.add(
        "convTranspose2d stride 2 padding 1 outputPadding 1",
        "convTranspose2d",
        in ->
            F.convTranspose2d(
                in[0], in[1], in[2], ints(2, 2), ints(1, 1), ints(1, 1), 1, ints(1, 1)),
        randn(1, 2, 3, 3),
        randn(2, 3, 3, 3),
        randn(3));
    t.add(
        "convTranspose2d groups 2",
        "convTranspose2d",
        in ->
            F.convTranspose2d(
                in[0], in[1], null, ints(1, 1), ints(0, 0), ints(0, 0), 2, ints(1, 1)),
        randn(1, 4, 3, 3),
        randn(4, 1, 2, 2));
    t.add(
        "convTranspose2d dilation 2, stride {2,1}, padding {0,1}",
        "convTranspose2d",
        in ->
            F.convTranspose2d(
                in[0], in[1], in[2], ints(2, 1), ints(0, 1), ints(0, 0), 1, ints(2, 2)),
        randn(2, 1, 3, 3),
        randn(1, 2, 2, 2),
        randn(2));

    t.add("maxPool2d kernel 2", "maxPool2d", in -> F.maxPool2d(in[0], 2), distinct(1, 2, 4, 4));
    t.add(
        "maxPool2d kernel 3 stride 2 padding 1",
        "maxPool2d",
        in -> F.maxPool2d(in[0], ints(3, 3), ints(2, 2), ints(1, 1)),
        distinct(1, 1, 5, 5));
    t.add(
        "maxPool2d kernel {2,3} stride {1,2}",
        "maxPool2d",
        in -> F.maxPool2d(in[0], ints(2, 3), ints(1, 2), ints(0, 0)),
        distinct(2, 1, 3, 5));
    t.add("avgPool2d kernel 2", "avgPool2d", in -> F.avgPool2d(in[0], 2), randn(1, 2, 4, 4));
    t.add(
        "avgPool2d kernel 3 stride 2 padding 1",
        "avgPool2d",
        in -> F.avgPool2d(in[0], ints(3, 3), ints(2, 2), ints(1, 1)),
        randn(1, 1, 5, 5));
    t.add(
        "avgPool2d kernel {2,3} stride {1,2}",
        "avgPool2d",
        in -> F.avgPool2d(in[0], ints(2, 3), ints(1, 2), ints(0, 0)),
        randn(2, 1, 3, 5));
    t.add("interpolate scale 2", "interpolate", in -> F.interpolate(in[0], 2), randn(1, 2, 2, 3));
    t.add(
        "interpolate to {3,5}",
        "interpolate",
        in -> F.interpolate(in[0], s(3, 5)),
        randn(1, 2, 2, 3));
    t.add(
        "interpolate down to {1,2}",
        "interpolate",
        in -> F.interpolate(in[0], s(1, 2)),
        randn(2, 1, 3, 4));

    String sdpa = "scaledDotProductAttention";
    t.add(
        "attention no mask",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], false, null),
        randn(2, 3, 4),
        randn(2, 3, 4),
        randn(2, 3, 5));
    t.add(
        "attention causal 4-D",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], true, null),
        randn(1, 2, 4, 3),
        randn(1, 2, 4, 3),
        randn(1, 2, 4, 3));
    t.add(
        "attention bool mask [3,3] broadcast",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], false, in[3]),
        randn(2, 3, 4),
        randn(2, 3, 4),
        randn(2, 3, 2),
        bools(new boolean[] {true, false, true, false, true, true, true, true, false}, 3, 3));
    t.add(
        "attention bool mask with a fully masked row",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], false, in[3]),
        randn(1, 2, 3),
        randn(1, 2, 3),
        randn(1, 2, 2),
        bools(new boolean[] {true, false, false, false}, 2, 2));
    t.add(
        "attention additive mask [2,1,3]",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], false, in[3]),
        randn(2, 3, 4),
        randn(2, 3, 4),
        randn(2, 3, 4),
        konst(randn(2, 1, 3)));
    t.add(
        "attention causal Tq=2 < Tk=5",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], true, null),
        randn(2, 2, 4),
        randn(2, 5, 4),
        randn(2, 5, 3));
    t.add(
        "attention causal Tq=3 > Tk=2 (first query sees no key)",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], true, null),
        randn(1, 3, 2),
        randn(1, 2, 2),
        randn(1, 2, 3));
    t.add(
        "attention Tq=3, Tk=4, explicit scale",
        sdpa,
        in -> F.scaledDotProductAttention(in[0], in[1], in[2], false, null, 0.7),
        randn(1, 3, 2),
        randn(1, 4, 2),
        randn(1, 4, 3));

    t.add(
        "selfAttention causal, 2 heads",
        "selfAttention",
        in -> F.selfAttention(in[0], 2, true, null),
        randn(2, 3, 12));
    t.add(
        "selfAttention bool mask [4,4], 1 head",
        "selfAttention",
        in -> F.selfAttention(in[0], 1, false, in[1]),
        randn(1, 4, 6),
        bools(
            new boolean[] {
              true, false, true, false, true, true, false, false, false, true, true, true, true,
              true, false, true
            },
            4,
            4));
    t.add(
        "selfAttention additive mask [1,2,3,3], causal",
        "selfAttention",
        in -> F.selfAttention(in[0], 2, true, in[1]),
        randn(1, 3, 6),
        konst(randn(1, 2, 3, 3)));

    t.add(
        "einsum ij,jk->ik",
        "einsum",
        in -> F.einsum("ij,jk->ik", in[0], in[1]),
        randn(2, 3),
        randn(3, 4));
    t.add(
        "einsum bhqd,bhkd->bhqk",
        "einsum",
        in -> F.einsum("bhqd,bhkd->bhqk", in[0], in[1]),
        randn(1, 2, 3, 4),
        randn(1, 2, 5, 4));
    t.add("einsum ij->ji", "einsum", in -> F.einsum("ij->ji", in[0]), randn(2, 3));
    t.add("einsum bii->b", "einsum", in -> F.einsum("bii->b", in[0]), randn(2, 3, 3));
    t.add("einsum i,i->", "einsum", in -> F.einsum("i,i->", in[0], in[1]), randn(4), randn(4));
    t.add(
        "einsum implicit output ij,jk",
        "einsum",
        in -> F.einsum("ij,jk", in[0], in[1]),
        randn(2, 3),
        randn(3, 2));
  }

  // ------------------------------------------------------------------ the tests

  @TestFactory
  Stream<DynamicTest> gradientsMatchFiniteDifferences() {
    return CASES.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> GradCheck.check(c.name(), c.fn(), c.inputs(), c.rtol(), c.atol())));
  }

  /**
   * The same table in FLOAT32 against FLOAT64 (values and gradients to ~1e-4). Dropout is left out:
   * its mask may legitimately be drawn differently for the two types.
   */
  @TestFactory
  Stream<DynamicTest> float32AgreesWithFloat64() {
    return CASES.stream()
        .filter(c -> !c.covers().contains("dropout"))
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> GradCheck.checkFloat32AgainstFloat64(c.name(), c.fn(), c.inputs())));
  }

  @Test
  void caseNamesAreUnique() {
    Set<String> seen = new TreeSet<>();
    for (Case c : CASES) {
      assertTrue(seen.add(c.name()), "duplicate gradient-check case name: " + c.name());
    }
  }

  /**
   * Fails when an op records a backward on the tape but no case of the table checks it. Op names
   * come from the main sources: string literals given to {@code Engine.record(...)} (an identifier
   * is resolved to the literals assigned to it or passed for it by the callers of the enclosing
   * method), the {@code Pointwise.Unary} constants and the {@code Pointwise.Binary} constants that
   * record a backward.
   */
  @Test
  void everyRecordedOpHasAGradientCheck() throws Exception {
    Map<String, String> recorded = new TreeMap<>(); // op name -> where it was found
    recorded.putAll(SourceScan.recordedOpNames(SourceScan.mainSourceDir()));
    recorded.putAll(pointwiseOpNames());
    assertTrue(
        recorded.containsKey("matmul") && recorded.containsKey("add"),
        "the source scan found too little (" + recorded.keySet() + "); is the scan broken?");

    Set<String> covered = new TreeSet<>();
    for (Case c : CASES) {
      covered.addAll(c.covers());
      try {
        covered.addAll(GradCheck.recordedOps(c.fn(), c.inputs()));
      } catch (RuntimeException e) {
        // A stubbed or broken op: its declared names still count, and its own gradient-check
        // case reports the failure.
      }
    }

    Map<String, String> missing = new TreeMap<>();
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      if (!covered.contains(e.getKey()) && !NOT_FD_CHECKABLE.containsKey(e.getKey())) {
        missing.put(e.getKey(), e.getValue());
      }
    }
    if (!missing.isEmpty()) {
      StringBuilder msg =
          new StringBuilder(
              "ops recorded for autograd without a finite-difference gradient check: add a case"
                  + " to GradientCheckTest's table (or, if central differences truly cannot"
                  + " check it, an entry with the reason to NOT_FD_CHECKABLE):");
      missing.forEach((k, v) -> msg.append("\n  ").append(k).append("  (").append(v).append(')'));
      fail(msg.toString());
    }
    for (String allowed : NOT_FD_CHECKABLE.keySet()) {
      assertTrue(
          recorded.containsKey(allowed),
          "NOT_FD_CHECKABLE lists '" + allowed + "', which no op records any more: remove it");
    }
  }

  @Test
  void sourceScanResolvesLiteralsTernariesLocalsAndParameters() {
    String src =
        String.join(
            "\n",
            "class X {",
            "  // Engine.record(\"commented\", out, in, fn);",
            "  static Tensor a() { return Engine.record(\"alpha\", out, in, fn); }",
            "  static Tensor b(boolean m) { return Engine.record(",
            "      m ? \"beta\" : \"gamma\", out, in, fn); }",
            "  static Tensor c() { String op = \"delta\"; return Engine.record(op, out, in, fn); }",
            "  static Tensor d() { return impl(x, \"eps\"); }",
            "  static Tensor e() { return impl(y, \"zeta\"); }",
            "  private static Tensor impl(Tensor t, String name) {",
            "    return Engine.record(name, out, in, fn);",
            "  }",
            "  static Tensor f() { return Engine.record(op.opName, out, in, fn); }",
            "  static String s = \"Engine.record(\\\"inString\\\", x)\";",
            "}");
    Map<String, String> names = new TreeMap<>();
    List<String> unresolved = new ArrayList<>();
    SourceScan.scan("internal/Pointwise.java", src, names, unresolved);
    assertTrue(
        names.keySet().equals(Set.of("alpha", "beta", "gamma", "delta", "eps", "zeta")),
        "found " + names.keySet());
    assertTrue(unresolved.isEmpty(), "unresolved: " + unresolved);
  }

  @Test
  void sourceScanReportsAnUnresolvableName() {
    String src = "class Y { Tensor f() { return Engine.record(names.get(0), out, in, fn); } }";
    Map<String, String> names = new TreeMap<>();
    List<String> unresolved = new ArrayList<>();
    SourceScan.scan("Y.java", src, names, unresolved);
    assertFalse(unresolved.isEmpty());
    unresolved.clear();
    String enumName = "class Z { Tensor f() { return Engine.record(kind.opName, out, in, fn); } }";
    SourceScan.scan("Z.java", enumName, names, unresolved);
    assertFalse(unresolved.isEmpty(), "an enum's opName is only read through Pointwise's enums");
  }

  /**
   * Unary op names, and the binary ones that record a backward with a tensor or a scalar operand
   * (comparisons do not).
   */
  private static Map<String, String> pointwiseOpNames() throws ReflectiveOperationException {
    Map<String, String> names = new LinkedHashMap<>();
    Field unaryName = Pointwise.Unary.class.getDeclaredField("opName");
    unaryName.setAccessible(true);
    for (Pointwise.Unary u : Pointwise.Unary.values()) {
      names.put((String) unaryName.get(u), "Pointwise.Unary." + u.name());
    }
    Field binaryName = Pointwise.Binary.class.getDeclaredField("opName");
    binaryName.setAccessible(true);
    for (Pointwise.Binary b : Pointwise.Binary.values()) {
      Tensor x = Tensor.of(new double[] {1.5, 2.5}).requiresGrad(true);
      Tensor y = Tensor.of(new double[] {0.5, 3.0});
      boolean records = false;
      try {
        records = Pointwise.binary(b, x, y).requiresGrad();
      } catch (IllegalArgumentException e) {
        // "<op> is not differentiable" for tensor operands; rsub exists only with a scalar.
      }
      try {
        records |= Pointwise.binaryScalar(b, x, 0.5).requiresGrad();
      } catch (IllegalArgumentException e) {
        // not differentiable with a scalar operand either
      }
      if (records) {
        names.put((String) binaryName.get(b), "Pointwise.Binary." + b.name());
      }
    }
    return names;
  }

  /** Finds the op names passed to {@code Engine.record} in Java sources. */
  static final class SourceScan {
    private static final Pattern RECORD =
        Pattern.compile("(\\bEngine\\s*\\.\\s*|(?<![\\w.]))record\\s*\\(");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_]\\w*");
    private static final Pattern ENUM_NAME = Pattern.compile("[A-Za-z_]\\w*\\s*\\.\\s*opName");

    private SourceScan() {}

    static Path mainSourceDir() {
      for (String p : new String[] {"src/main/java", "core-tensor/src/main/java"}) {
        Path dir = Path.of(p, "dev", "residual");
        if (Files.isDirectory(dir)) {
          return Path.of(p);
        }
      }
      throw new IllegalStateException(
          "cannot find core-tensor/src/main/java from " + Path.of("").toAbsolutePath());
    }

    static Map<String, String> recordedOpNames(Path root) throws IOException {
      Map<String, String> names = new TreeMap<>();
      List<String> unresolved = new ArrayList<>();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path f : files) {
        scan(
            root.relativize(f).toString(),
            Files.readString(f, StandardCharsets.UTF_8),
            names,
            unresolved);
      }
      if (!unresolved.isEmpty()) {
        fail(
            "cannot tell which op name these Engine.record calls use (pass a string literal, a"
                + " local String assigned from literals, or a String parameter that callers"
                + " pass literals for):\n  "
                + String.join("\n  ", unresolved));
      }
      return names;
    }

    /** Adds the op names recorded in one file; records that cannot be resolved are listed. */
    static void scan(String file, String text, Map<String, String> names, List<String> unresolved) {
      String code = stripCommentsAndStrings(text);
      Matcher m = RECORD.matcher(code);
      while (m.find()) {
        boolean qualified = m.group(1).startsWith("Engine");
        int argStart = m.end();
        List<String> args = splitArgs(text, argStart);
        if (args.isEmpty()) {
          continue;
        }
        String first = args.get(0).trim();
        String where = file + ":" + lineOf(text, m.start());
        List<String> lits = literals(first);
        if (!qualified && (lits.isEmpty() || !first.startsWith("\""))) {
          continue; // an unqualified record(...) that is not a call with a literal op name
        }
        if (!lits.isEmpty()) {
          lits.forEach(l -> names.putIfAbsent(l, where));
        } else if (ENUM_NAME.matcher(first).matches() && file.endsWith("Pointwise.java")) {
          continue; // Pointwise's Unary/Binary enums: read through reflection
        } else if (IDENT.matcher(first).matches()) {
          List<String> resolved = resolve(text, code, first, m.start());
          if (resolved.isEmpty()) {
            unresolved.add(where + ": Engine.record(" + first + ", ...)");
          }
          resolved.forEach(l -> names.putIfAbsent(l, where));
        } else {
          unresolved.add(where + ": Engine.record(" + first + ", ...)");
        }
      }
    }

    private static final Pattern HEADER =
        Pattern.compile("\\b(\\w+)\\s*\\(([^()]*)\\)\\s*(?:throws[^{;]*)?\\{");
    private static final Set<String> KEYWORDS =
        Set.of("if", "for", "while", "switch", "catch", "synchronized", "try", "return", "new");

    /**
     * Literals for identifier {@code id} used as the op name at {@code pos}: assigned to a local of
     * the enclosing method, passed for a parameter of it by its callers in the same file, or
     * assigned to a field.
     */
    private static List<String> resolve(String text, String code, String id, int pos) {
      // The enclosing method: the last method-like header before pos.
      Matcher h = HEADER.matcher(code);
      int methodStart = 0;
      String method = null;
      String params = "";
      while (h.find() && h.start() < pos) {
        if (!KEYWORDS.contains(h.group(1))) {
          methodStart = h.start();
          method = h.group(1);
          params = h.group(2);
        }
      }
      Pattern declPattern = Pattern.compile("\\bString\\s+" + id + "\\s*=");
      List<String> out =
          new ArrayList<>(literalsOfLastDecl(text, code, declPattern, methodStart, pos));
      if (!out.isEmpty()) {
        return out;
      }
      String[] ps = params.split(",");
      for (int k = 0; method != null && k < ps.length; k++) {
        if (ps[k].trim().matches("(final\\s+)?String\\s+" + id)) {
          Matcher call = Pattern.compile("\\b" + method + "\\s*\\(").matcher(code);
          while (call.find()) {
            if (call.start() != methodStart) {
              List<String> args = splitArgs(text, call.end());
              if (k < args.size()) {
                out.addAll(literals(args.get(k)));
              }
            }
          }
          return out;
        }
      }
      return literalsOfLastDecl(text, code, declPattern, 0, code.length());
    }

    private static List<String> literalsOfLastDecl(
        String text, String code, Pattern decl, int from, int to) {
      Matcher d = decl.matcher(code);
      int last = -1;
      while (d.find() && d.start() < to) {
        if (d.start() >= from) {
          last = d.end();
        }
      }
      if (last < 0) {
        return List.of();
      }
      int end = code.indexOf(';', last);
      return literals(text.substring(last, end < 0 ? code.length() : end));
    }

    /** Top-level comma-separated arguments of the call whose '(' ends just before {@code from}. */
    private static List<String> splitArgs(String text, int from) {
      List<String> args = new ArrayList<>();
      int depth = 0;
      int start = from;
      for (int i = from; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (ch == '"') {
          i = skipString(text, i);
        } else if (ch == '\'') {
          i = text.indexOf('\'', i + (text.charAt(i + 1) == '\\' ? 3 : 2));
        } else if (ch == '(' || ch == '[' || ch == '{') {
          depth++;
        } else if (ch == ')' || ch == ']' || ch == '}') {
          if (depth == 0) {
            args.add(text.substring(start, i));
            return args;
          }
          depth--;
        } else if (ch == ',' && depth == 0) {
          args.add(text.substring(start, i));
          start = i + 1;
        }
      }
      return args;
    }

    private static int skipString(String text, int quote) {
      for (int i = quote + 1; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (ch == '\\') {
          i++;
        } else if (ch == '"') {
          return i;
        }
      }
      return text.length();
    }

    private static List<String> literals(String s) {
      List<String> out = new ArrayList<>();
      Matcher m = LITERAL.matcher(s);
      while (m.find()) {
        out.add(m.group(1));
      }
      return out;
    }

    /**
     * The text with comments blanked and string contents replaced by spaces (positions kept), so
     * that patterns match only code.
     */
    static String stripCommentsAndStrings(String text) {
      char[] c = text.toCharArray();
      int i = 0;
      while (i < c.length) {
        if (c[i] == '/' && i + 1 < c.length && c[i + 1] == '/') {
          while (i < c.length && c[i] != '\n') {
            c[i++] = ' ';
          }
        } else if (c[i] == '/' && i + 1 < c.length && c[i + 1] == '*') {
          while (i < c.length && !(c[i] == '*' && i + 1 < c.length && c[i + 1] == '/')) {
            if (c[i] != '\n') {
              c[i] = ' ';
            }
            i++;
          }
          if (i < c.length) {
            c[i++] = ' ';
            c[i++] = ' ';
          }
        } else if (c[i] == '"') {
          int end = skipString(text, i);
          for (int k = i + 1; k < end && k < c.length; k++) {
            c[k] = ' ';
          }
          i = end + 1;
        } else if (c[i] == '\'') {
          int end = text.indexOf('\'', i + (i + 1 < c.length && c[i + 1] == '\\' ? 2 : 1) + 1);
          i = end < 0 ? c.length : end + 1;
        } else {
          i++;
        }
      }
      return new String(c);
    }

    private static int lineOf(String text, int pos) {
      int line = 1;
      for (int i = 0; i < pos && i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
        }
      }
      return line;
    }
  }
}
