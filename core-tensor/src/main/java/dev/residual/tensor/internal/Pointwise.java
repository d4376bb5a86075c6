package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * Elementwise kernels: unary maps, broadcasting binary ops with PyTorch's type promotion,
 * comparisons, {@code where}, {@code maskedFill}, clamp, casts and the in-place variants.
 *
 * <p>FLOAT32 has specialised loops (the training hot path); other types go through a generic path
 * computing in double (floating) or long (integer) arithmetic.
 */
public final class Pointwise {
  private Pointwise() {}

  /** Unary elementwise ops. */
  public enum Unary {
    NEG("neg", false),
    EXP("exp", true),
    LOG("log", true),
    SQRT("sqrt", true),
    RSQRT("rsqrt", true),
    ABS("abs", false),
    SQUARE("square", false),
    SIN("sin", true),
    COS("cos", true),
    TANH("tanh", true),
    SIGMOID("sigmoid", true),
    RELU("relu", false),
    GELU("gelu", true),
    GELU_TANH("geluTanh", true),
    SILU("silu", true),
    SOFTPLUS("softplus", true);

    final String opName;
    final boolean floatOnly;

    Unary(String opName, boolean floatOnly) {
      this.opName = opName;
      this.floatOnly = floatOnly;
    }
  }

  /** Binary elementwise ops (arithmetic and comparisons). */
  public enum Binary {
    ADD("add"),
    SUB("sub"),
    RSUB("rsub"),
    MUL("mul"),
    DIV("div"),
    POW("pow"),
    MAXIMUM("maximum"),
    MINIMUM("minimum"),
    EQ("eq"),
    NE("ne"),
    LT("lt"),
    LE("le"),
    GT("gt"),
    GE("ge");

    final String opName;

    Binary(String opName) {
      this.opName = opName;
    }
  }

  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  /**
   * Throws if {@code t} is not floating point.
   *
   * @throws IllegalArgumentException naming {@code op} and the type
   */
  public static void requireFloat(String op, Tensor t) {
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op
              + ": expected a floating-point tensor (FLOAT32 or FLOAT64), got "
              + t.dtype()
              + " of shape "
              + Arrays.toString(t.shape()));
    }
  }

  // ------------------------------------------------------------------ scalar math

  static double sigmoid(double x) {
    return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
  }

  private static double tanh(double x, boolean exact) {
    return exact ? Math.tanh(x) : FastMath.tanh(x);
  }

  private static double sigmoid(double x, boolean exact) {
    return exact ? sigmoid(x) : FastMath.sigmoid(x);
  }

  static double unaryValue(Unary op, double x, boolean exact) {
    switch (op) {
      case NEG:
        return -x;
      case EXP:
        return exact ? Math.exp(x) : FastMath.exp(x);
      case LOG:
        return Math.log(x);
      case SQRT:
        return Math.sqrt(x);
      case RSQRT:
        return 1.0 / Math.sqrt(x);
      case ABS:
        return Math.abs(x);
      case SQUARE:
        return x * x;
      case SIN:
        return Math.sin(x);
      case COS:
        return Math.cos(x);
      case TANH:
        return tanh(x, exact);
      case SIGMOID:
        return sigmoid(x, exact);
      case RELU:
        // NaN passes through, as PyTorch's relu (and the SIMD kernel) do.
        return x > 0 || Double.isNaN(x) ? x : 0.0;
      case GELU:
        // erfc(-x/√2) rather than 1 + erf(x/√2): no cancellation in the negative tail.
        return exact ? 0.5 * x * Erf.erfc(-x * INV_SQRT_2) : x * FastMath.normalCdf(x);
      case GELU_TANH:
        {
          double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
          return 0.5 * x * (1.0 + tanh(u, exact));
        }
      case SILU:
        return x * sigmoid(x, exact);
      case SOFTPLUS:
        return x > 20 ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      default:
        throw new AssertionError(op);
    }
  }

  /** d op(x) / dx given the input {@code x} and output {@code y}. */
  static double unaryDerivative(Unary op, double x, double y, boolean exact) {
    switch (op) {
      case NEG:
        return -1.0;
      case EXP:
        return y;
      case LOG:
        return 1.0 / x;
      case SQRT:
        return 0.5 / y;
      case RSQRT:
        return -0.5 * y * y * y;
      case ABS:
        return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
      case SQUARE:
        return 2.0 * x;
      case SIN:
        return Math.cos(x);
      case COS:
        return -Math.sin(x);
      case TANH:
        return 1.0 - y * y;
      case SIGMOID:
        return y * (1.0 - y);
      case RELU:
        return x > 0 ? 1.0 : 0.0;
      case GELU:
        {
          if (!exact) {
            return FastMath.normalCdf(x) + x * INV_SQRT_2PI * FastMath.exp(-0.5 * x * x);
          }
          double cdf = 0.5 * Erf.erfc(-x * INV_SQRT_2);
          return cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        }
      case GELU_TANH:
        {
          double x2 = x * x;
          double u = SQRT_2_OVER_PI * (x + 0.044715 * x2 * x);
          double t = tanh(u, exact);
          double du = SQRT_2_OVER_PI * (1.0 + 3.0 * 0.044715 * x2);
          return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
        }
      case SILU:
        {
          double s = sigmoid(x, exact);
          return s * (1.0 + x * (1.0 - s));
        }
      case SOFTPLUS:
        return x > 20 ? 1.0 : sigmoid(x, exact);
      default:
        throw new AssertionError(op);
    }
  }

  // ------------------------------------------------------------------ unary

  /** Applies {@code op} elementwise, recording it for autograd. */
  public static Tensor unary(Unary op, Tensor x) {
    if (op.floatOnly) {
      requireFloat(op.opName, x);
    } else if (x.dtype() == DType.BOOL) {
      throw new IllegalArgumentException(op.opName + ": not defined for BOOL tensors");
    }
    if (op == Unary.GELU && x.dtype() == DType.FLOAT32 && Simd.ENABLED && Engine.needsRecord(x)) {
      return geluKeepingDerivative(x);
    }
    if (op == Unary.SILU && x.dtype() == DType.FLOAT32 && Simd.ENABLED && Engine.needsRecord(x)) {
      return siluKeepingDerivative(x);
    }
    Tensor out = Tensor.empty(x.dtype(), x.shape());
    Storage in = x.storage();
    Storage o = out.storage();
    int n = in.length;
    if (x.dtype() == DType.FLOAT32) {
      if (Simd.ENABLED && op == Unary.GELU_TANH) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.geluTanh(in.raw, o.raw, lo, hi));
      } else if (Simd.ENABLED && op == Unary.GELU) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.gelu(in.raw, o.raw, lo, hi));
      } else if (Simd.ENABLED && op == Unary.SILU) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.silu(in.raw, o.raw, lo, hi));
      } else if (Simd.ENABLED && op == Unary.EXP) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.exp(in.raw, o.raw, lo, hi));
      } else if (Simd.ENABLED && op == Unary.RELU) {
        Parallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.relu(in.raw, o.raw, lo, hi));
      } else {
        Parallel.forRange(n, GRAIN, (lo, hi) -> unaryF(op, in.f, o.f, lo, hi));
      }
    } else if (x.dtype() == DType.FLOAT64) {
      for (int k = 0; k < n; k++) {
        o.d.put(k, unaryValue(op, in.d.get(k), true));
      }
    } else {
      for (int k = 0; k < n; k++) {
        long v = in.getLong(k);
        o.setLong(
            k,
            switch (op) {
              case NEG -> -v;
              case ABS -> Math.abs(v);
              case SQUARE -> v * v;
              case RELU -> Math.max(v, 0);
              default -> throw new AssertionError(op);
            });
      }
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        op.opName,
        out,
        new Tensor[] {x},
        (g, needs) -> new Tensor[] {unaryBackward(op, x, out, g)},
        x,
        out);
  }

  /**
   * Exact GELU that also writes its derivative {@code Φ(x) + x φ(x)} while the forward has {@code
   * Φ} and {@code e^{-x²/2}} in registers, so backward is one multiply instead of a second pass of
   * erfc and exp (which cost as much as the forward). The derivative buffer belongs to the graph
   * and is freed with it.
   */
  private static Tensor geluKeepingDerivative(Tensor x) {
    Tensor out = Tensor.empty(DType.FLOAT32, x.shape());
    Tensor deriv = Tensor.empty(DType.FLOAT32, x.shape());
    Storage in = x.storage();
    Storage o = out.storage();
    Storage d = deriv.storage();
    Parallel.forRange(
        in.length,
        GRAIN,
        (lo, hi) -> VectorKernels.geluWithDerivative(in.raw, o.raw, d.raw, lo, hi));
    // Backward reads only the derivative buffer, so x and out need not be kept for it.
    Engine.record("gelu", out, new Tensor[] {x}, (g, needs) -> new Tensor[] {g.mul(deriv)});
    Engine.freeOnRelease(out, d);
    return out;
  }

  /**
   * SiLU that also writes its derivative {@code σ(x)(1 + x(1 − σ(x)))} while {@code σ(x)} is in
   * registers: backward is then one multiply (the generic path re-evaluated the sigmoid per element
   * through scalar code, and cost four times the forward in a U-Net step).
   */
  private static Tensor siluKeepingDerivative(Tensor x) {
    Tensor out = Tensor.empty(DType.FLOAT32, x.shape());
    Tensor deriv = Tensor.empty(DType.FLOAT32, x.shape());
    Storage in = x.storage();
    Storage o = out.storage();
    Storage d = deriv.storage();
    Parallel.forRange(
        in.length,
        GRAIN,
        (lo, hi) -> VectorKernels.siluWithDerivative(in.raw, o.raw, d.raw, lo, hi));
    Engine.record("silu", out, new Tensor[] {x}, (g, needs) -> new Tensor[] {g.mul(deriv)});
    Engine.freeOnRelease(out, d);
    return out;
  }

  /** Minimum elements per thread for elementwise loops. */
  static final int GRAIN = 1 << 15;

  private static void unaryF(Unary op, FloatBuffer in, FloatBuffer o, int lo, int n) {
    switch (op) {
      case NEG:
        for (int k = lo; k < n; k++) {
          o.put(k, -in.get(k));
        }
        break;
      case EXP:
        for (int k = lo; k < n; k++) {
          o.put(k, (float) FastMath.exp(in.get(k)));
        }
        break;
      case RELU:
        for (int k = lo; k < n; k++) {
          float v = in.get(k);
          o.put(k, v > 0 || Float.isNaN(v) ? v : 0f);
        }
        break;
      case SQUARE:
        for (int k = lo; k < n; k++) {
          float v = in.get(k);
          o.put(k, v * v);
        }
        break;
      case GELU_TANH:
        // 0.5 (1 + tanh(u)) = sigmoid(2u): one exp and one division per element.
        for (int k = lo; k < n; k++) {
          double x = in.get(k);
          double u2 = 2.0 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
          o.put(k, (float) (x / (1.0 + FastMath.exp(-u2))));
        }
        break;
      default:
        for (int k = lo; k < n; k++) {
          o.put(k, (float) unaryValue(op, in.get(k), false));
        }
    }
  }

  private static Tensor unaryBackward(Unary op, Tensor x, Tensor y, Tensor g) {
    Tensor gx = Tensor.empty(x.dtype(), x.shape());
    Storage xs = x.storage();
    Storage ys = y.storage();
    Storage gs = g.storage();
    Storage os = gx.storage();
    int n = xs.length;
    if (x.dtype() == DType.FLOAT32) {
      if (Simd.ENABLED && op == Unary.GELU_TANH) {
        Parallel.forRange(
            n, GRAIN, (lo, hi) -> VectorKernels.geluTanhBackward(xs.raw, gs.raw, os.raw, lo, hi));
      } else if (Simd.ENABLED && op == Unary.RELU) {
        Parallel.forRange(
            n, GRAIN, (lo, hi) -> VectorKernels.reluBackward(xs.raw, gs.raw, os.raw, lo, hi));
      } else {
        Parallel.forRange(n, GRAIN, (lo, hi) -> unaryBackwardF(op, xs.f, ys.f, gs.f, os.f, lo, hi));
      }
    } else {
      for (int k = 0; k < n; k++) {
        os.setDouble(
            k, gs.getDouble(k) * unaryDerivative(op, xs.getDouble(k), ys.getDouble(k), true));
      }
    }
    return gx;
  }

  private static void unaryBackwardF(
      Unary op, FloatBuffer xf, FloatBuffer yf, FloatBuffer gf, FloatBuffer of, int lo, int n) {
    switch (op) {
      case RELU:
        for (int k = lo; k < n; k++) {
          of.put(k, xf.get(k) > 0 ? gf.get(k) : 0f);
        }
        break;
      case EXP:
        for (int k = lo; k < n; k++) {
          of.put(k, gf.get(k) * yf.get(k));
        }
        break;
      case NEG:
        for (int k = lo; k < n; k++) {
          of.put(k, -gf.get(k));
        }
        break;
      case GELU_TANH:
        for (int k = lo; k < n; k++) {
          double xv = xf.get(k);
          double x2 = xv * xv;
          double u2 = 2.0 * SQRT_2_OVER_PI * (xv + 0.044715 * x2 * xv);
          double s = 1.0 / (1.0 + FastMath.exp(-u2));
          double du2 = 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * 0.044715 * x2);
          of.put(k, (float) (gf.get(k) * (s + xv * s * (1.0 - s) * du2)));
        }
        break;
      case TANH:
        for (int k = lo; k < n; k++) {
          float yv = yf.get(k);
          of.put(k, gf.get(k) * (1f - yv * yv));
        }
        break;
      case SIGMOID:
        for (int k = lo; k < n; k++) {
          float yv = yf.get(k);
          of.put(k, gf.get(k) * yv * (1f - yv));
        }
        break;
      default:
        for (int k = lo; k < n; k++) {
          of.put(k, (float) (gf.get(k) * unaryDerivative(op, xf.get(k), yf.get(k), false)));
        }
    }
  }

  // ------------------------------------------------------------------ binary

  /** The result type of {@code a op b}. */
  static DType resultType(Binary op, DType a, DType b) {
    DType t = DType.promote(a, b);
    if (op == Binary.DIV && !t.isFloatingPoint()) {
      return Tensor.defaultDType();
    }
    if (t == DType.BOOL && op != Binary.MAXIMUM && op != Binary.MINIMUM) {
      // PyTorch: bool + bool is bool for add (logical or), but arithmetic on bools is rarely
      // meant; promote to INT64 for sub/mul/pow as a conservative choice.
      return DType.INT64;
    }
    return t;
  }

  /** {@code a op b} with broadcasting and promotion, recorded for autograd. */
  public static Tensor binary(Binary op, Tensor a, Tensor b) {
    long[] outShape = Shape.broadcast(op.opName, a.shape(), b.shape());
    DType type = resultType(op, a.dtype(), b.dtype());
    Tensor ac = convert(a, type);
    Tensor bc = convert(b, type);
    Tensor out = Tensor.empty(type, outShape);
    compute(op, ac, bc, out);
    if (!Engine.needsRecord(a, b)) {
      return out;
    }
    long[] aShape = a.shape();
    long[] bShape = b.shape();
    Node.Backward fn =
        switch (op) {
          case ADD -> (g, n) -> new Tensor[] {sumTo(g, aShape), sumTo(g, bShape)};
          case SUB ->
              (g, n) -> new Tensor[] {sumTo(g, aShape), n[1] ? sumTo(g.neg(), bShape) : null};
          case MUL ->
              (g, n) ->
                  new Tensor[] {
                    n[0] ? sumTo(g.mul(bc), aShape) : null, n[1] ? sumTo(g.mul(ac), bShape) : null
                  };
          case DIV ->
              (g, n) ->
                  new Tensor[] {
                    n[0] ? sumTo(g.div(bc), aShape) : null,
                    n[1] ? sumTo(g.mul(out).div(bc).neg(), bShape) : null
                  };
          case POW ->
              (g, n) ->
                  new Tensor[] {
                    n[0] ? sumTo(g.mul(bc).mul(ac.pow(bc.sub(1.0))), aShape) : null,
                    n[1] ? sumTo(g.mul(out).mul(logForPow(ac)), bShape) : null
                  };
          case MAXIMUM, MINIMUM ->
              (g, n) -> {
                Tensor half = g.mul(0.5);
                Tensor eq = ac.eq(bc);
                Tensor aWins = op == Binary.MAXIMUM ? ac.gt(bc) : ac.lt(bc);
                Tensor bWins = op == Binary.MAXIMUM ? ac.lt(bc) : ac.gt(bc);
                Tensor zero = Tensor.zerosLike(g);
                return new Tensor[] {
                  n[0] ? sumTo(where(eq, half, where(aWins, g, zero)), aShape) : null,
                  n[1] ? sumTo(where(eq, half, where(bWins, g, zero)), bShape) : null
                };
              };
          default -> throw new IllegalArgumentException(op.opName + " is not differentiable");
        };
    return Engine.record(op.opName, out, new Tensor[] {a, b}, fn, ac, bc, out);
  }

  /** log(a) where a > 0, 0 where a == 0 (so that d(0^b)/db is 0, as PyTorch). */
  private static Tensor logForPow(Tensor a) {
    Tensor pos = a.gt(0.0);
    return where(pos, where(pos, a, Tensor.onesLike(a)).log(), Tensor.zerosLike(a));
  }

  /** Scalar type rule: a whole-number double keeps an integer tensor's type, as a Python int. */
  static DType scalarResultType(Binary op, DType t, double s) {
    if (t.isFloatingPoint()) {
      return t;
    }
    boolean whole = s == Math.rint(s) && !Double.isInfinite(s);
    if (op == Binary.DIV || !whole) {
      return Tensor.defaultDType();
    }
    return t == DType.BOOL ? DType.INT64 : t;
  }

  /** {@code a op s} for a scalar {@code s}, recorded for autograd. */
  public static Tensor binaryScalar(Binary op, Tensor a, double s) {
    DType type = scalarResultType(op, a.dtype(), s);
    Tensor ac = convert(a, type);
    Tensor out = Tensor.empty(type, a.shape());
    computeScalar(op, ac, s, out);
    if (!Engine.needsRecord(a)) {
      return out;
    }
    Node.Backward fn =
        switch (op) {
          case ADD, SUB -> (g, n) -> new Tensor[] {g};
          case RSUB -> (g, n) -> new Tensor[] {g.neg()};
          case MUL -> (g, n) -> new Tensor[] {g.mul(s)};
          case DIV -> (g, n) -> new Tensor[] {g.div(s)};
          case POW ->
              (g, n) -> new Tensor[] {s == 0 ? Tensor.zerosLike(g) : g.mul(ac.pow(s - 1.0).mul(s))};
          default -> throw new IllegalArgumentException(op.opName + " is not differentiable");
        };
    Tensor[] saved = op == Binary.POW ? new Tensor[] {ac} : new Tensor[0];
    return Engine.record(op.opName, out, new Tensor[] {a}, fn, saved);
  }

  /**
   * Sums a broadcast gradient back to {@code shape} (over leading added dims and dims that were
   * size 1).
   */
  public static Tensor sumTo(Tensor g, long[] shape) {
    long[] gs = g.shape();
    if (Arrays.equals(gs, shape)) {
      return g;
    }
    int lead = gs.length - shape.length;
    int[] dims = new int[gs.length];
    int nd = 0;
    for (int k = 0; k < gs.length; k++) {
      if (k < lead || (shape[k - lead] == 1 && gs[k] != 1)) {
        dims[nd++] = k;
      }
    }
    Tensor s = nd == 0 ? g : Reduce.sum(g, Arrays.copyOf(dims, nd), true);
    return s.reshape(shape);
  }

  private static double applyD(Binary op, double x, double y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case RSUB -> y - x;
      case MUL -> x * y;
      case DIV -> x / y;
      case POW -> Math.pow(x, y);
      case MAXIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
      case MINIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
      case EQ -> x == y ? 1 : 0;
      case NE -> x != y ? 1 : 0;
      case LT -> x < y ? 1 : 0;
      case LE -> x <= y ? 1 : 0;
      case GT -> x > y ? 1 : 0;
      case GE -> x >= y ? 1 : 0;
    };
  }

  private static long applyL(Binary op, long x, long y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case RSUB -> y - x;
      case MUL -> x * y;
      case DIV -> throw new AssertionError("integer div");
      case POW -> ipow(x, y);
      case MAXIMUM -> Math.max(x, y);
      case MINIMUM -> Math.min(x, y);
      case EQ -> x == y ? 1 : 0;
      case NE -> x != y ? 1 : 0;
      case LT -> x < y ? 1 : 0;
      case LE -> x <= y ? 1 : 0;
      case GT -> x > y ? 1 : 0;
      case GE -> x >= y ? 1 : 0;
    };
  }

  private static long ipow(long x, long y) {
    if (y < 0) {
      throw new IllegalArgumentException(
          "pow: integers to negative integer powers are not allowed");
    }
    long r = 1;
    for (long k = 0; k < y; k++) {
      r *= x;
    }
    return r;
  }

  /** Broadcast iteration: calls {@code run} once per contiguous run along the last dim. */
  interface Run {
    void run(int aOff, int aStep, int bOff, int bStep, int outOff, int n);
  }

  static void forEachRun(long[] outShape, int[] sa, int[] sb, Run run) {
    // Coalesce adjacent dims that are laid out compatibly in both operands.
    int nd = outShape.length;
    long total = Shape.numel(outShape);
    if (total == 0) {
      return;
    }
    if (nd == 0) {
      run.run(0, 0, 0, 0, 0, 1);
      return;
    }
    long[] shp = new long[nd];
    int[] xa = new int[nd];
    int[] xb = new int[nd];
    int m = 0;
    for (int k = 0; k < nd; k++) {
      if (outShape[k] == 1) {
        continue;
      }
      if (m > 0 && xa[m - 1] == sa[k] * outShape[k] && xb[m - 1] == sb[k] * outShape[k]) {
        shp[m - 1] *= outShape[k];
        xa[m - 1] = sa[k];
        xb[m - 1] = sb[k];
      } else {
        shp[m] = outShape[k];
        xa[m] = sa[k];
        xb[m] = sb[k];
        m++;
      }
    }
    if (m == 0) {
      run.run(0, 0, 0, 0, 0, 1);
      return;
    }
    int inner = (int) shp[m - 1];
    int ia = xa[m - 1];
    int ib = xb[m - 1];
    int outer = (int) (total / inner);
    int[] idx = new int[m];
    int aOff = 0;
    int bOff = 0;
    for (int r = 0; r < outer; r++) {
      run.run(aOff, ia, bOff, ib, r * inner, inner);
      for (int k = m - 2; k >= 0; k--) {
        idx[k]++;
        aOff += xa[k];
        bOff += xb[k];
        if (idx[k] < shp[k]) {
          break;
        }
        aOff -= xa[k] * (int) shp[k];
        bOff -= xb[k] * (int) shp[k];
        idx[k] = 0;
      }
    }
  }

  /** out = a op b for same-typed {@code a}, {@code b} broadcast to {@code out}'s shape. */
  static void compute(Binary op, Tensor a, Tensor b, Tensor out) {
    long[] os = out.shape();
    int[] sa = Shape.broadcastStrides(a.shape(), os);
    int[] sb = Shape.broadcastStrides(b.shape(), os);
    Storage as = a.storage();
    Storage bs = b.storage();
    Storage o = out.storage();
    if (a.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32) {
      FloatBuffer af = as.f;
      FloatBuffer bf = bs.f;
      FloatBuffer of = o.f;
      if (Arrays.equals(a.shape(), os) && Arrays.equals(b.shape(), os)) {
        if (Simd.ENABLED && VectorKernels.supports(op)) {
          // Same bits as the scalar loop (IEEE add, sub, mul, div are exact per element).
          Parallel.forRange(
              o.length, GRAIN, (lo, hi) -> VectorKernels.binary(op, as.raw, bs.raw, o.raw, lo, hi));
        } else {
          Parallel.forRange(
              o.length, GRAIN, (lo, hi) -> runF(op, af, lo, 1, bf, lo, 1, of, lo, hi - lo));
        }
        return;
      }
      forEachRun(
          os, sa, sb, (ao, ast, bo, bst, oo, n) -> runF(op, af, ao, ast, bf, bo, bst, of, oo, n));
    } else if (a.dtype().isFloatingPoint()) {
      forEachRun(
          os,
          sa,
          sb,
          (ao, ast, bo, bst, oo, n) -> {
            for (int k = 0; k < n; k++) {
              o.setDouble(
                  oo + k, applyD(op, as.getDouble(ao + k * ast), bs.getDouble(bo + k * bst)));
            }
          });
    } else {
      forEachRun(
          os,
          sa,
          sb,
          (ao, ast, bo, bst, oo, n) -> {
            for (int k = 0; k < n; k++) {
              o.setLong(oo + k, applyL(op, as.getLong(ao + k * ast), bs.getLong(bo + k * bst)));
            }
          });
    }
  }

  private static void runF(
      Binary op,
      FloatBuffer a,
      int ao,
      int ast,
      FloatBuffer b,
      int bo,
      int bst,
      FloatBuffer o,
      int oo,
      int n) {
    switch (op) {
      case ADD:
        if (ast == 1 && bst == 1) {
          for (int k = 0; k < n; k++) {
            o.put(oo + k, a.get(ao + k) + b.get(bo + k));
          }
        } else {
          for (int k = 0; k < n; k++) {
            o.put(oo + k, a.get(ao + k * ast) + b.get(bo + k * bst));
          }
        }
        break;
      case SUB:
        for (int k = 0; k < n; k++) {
          o.put(oo + k, a.get(ao + k * ast) - b.get(bo + k * bst));
        }
        break;
      case MUL:
        if (ast == 1 && bst == 1) {
          for (int k = 0; k < n; k++) {
            o.put(oo + k, a.get(ao + k) * b.get(bo + k));
          }
        } else {
          for (int k = 0; k < n; k++) {
            o.put(oo + k, a.get(ao + k * ast) * b.get(bo + k * bst));
          }
        }
        break;
      case DIV:
        for (int k = 0; k < n; k++) {
          o.put(oo + k, a.get(ao + k * ast) / b.get(bo + k * bst));
        }
        break;
      default:
        for (int k = 0; k < n; k++) {
          o.put(oo + k, (float) applyD(op, a.get(ao + k * ast), b.get(bo + k * bst)));
        }
    }
  }

  static void computeScalar(Binary op, Tensor a, double s, Tensor out) {
    Storage as = a.storage();
    Storage o = out.storage();
    int n = as.length;
    if (a.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32) {
      FloatBuffer af = as.f;
      FloatBuffer of = o.f;
      float fs = (float) s;
      switch (op) {
        case ADD:
          for (int k = 0; k < n; k++) {
            of.put(k, af.get(k) + fs);
          }
          return;
        case SUB:
          for (int k = 0; k < n; k++) {
            of.put(k, af.get(k) - fs);
          }
          return;
        case MUL:
          for (int k = 0; k < n; k++) {
            of.put(k, af.get(k) * fs);
          }
          return;
        case DIV:
          for (int k = 0; k < n; k++) {
            of.put(k, af.get(k) / fs);
          }
          return;
        default:
          for (int k = 0; k < n; k++) {
            of.put(k, (float) applyD(op, af.get(k), s));
          }
          return;
      }
    }
    if (a.dtype().isFloatingPoint() || out.dtype().isFloatingPoint()) {
      for (int k = 0; k < n; k++) {
        o.setDouble(k, applyD(op, as.getDouble(k), s));
      }
    } else {
      long ls = (long) s;
      for (int k = 0; k < n; k++) {
        o.setLong(k, applyL(op, as.getLong(k), ls));
      }
    }
  }

  // ------------------------------------------------------------------ comparisons and selection

  /** {@code a op b} as BOOL, broadcasting; never recorded. */
  public static Tensor compare(Binary op, Tensor a, Tensor b) {
    long[] outShape = Shape.broadcast(op.opName, a.shape(), b.shape());
    DType t = DType.promote(a.dtype(), b.dtype());
    Tensor ac = convert(a, t);
    Tensor bc = convert(b, t);
    Tensor out = Tensor.empty(DType.BOOL, outShape);
    long[] os = out.shape();
    int[] sa = Shape.broadcastStrides(ac.shape(), os);
    int[] sb = Shape.broadcastStrides(bc.shape(), os);
    Storage as = ac.storage();
    Storage bs = bc.storage();
    Storage o = out.storage();
    boolean fp = t.isFloatingPoint();
    forEachRun(
        os,
        sa,
        sb,
        (ao, ast, bo, bst, oo, n) -> {
          for (int k = 0; k < n; k++) {
            long r =
                fp
                    ? (long) applyD(op, as.getDouble(ao + k * ast), bs.getDouble(bo + k * bst))
                    : applyL(op, as.getLong(ao + k * ast), bs.getLong(bo + k * bst));
            o.b.put(oo + k, (byte) r);
          }
        });
    return out;
  }

  /** {@code a op s} as BOOL. */
  public static Tensor compareScalar(Binary op, Tensor a, double s) {
    Tensor out = Tensor.empty(DType.BOOL, a.shape());
    Storage as = a.storage();
    Storage o = out.storage();
    for (int k = 0; k < as.length; k++) {
      o.b.put(k, (byte) applyD(op, as.getDouble(k), s));
    }
    return out;
  }

  /** Logical not: 1 where the element is zero. */
  public static Tensor logicalNot(Tensor a) {
    Tensor out = Tensor.empty(DType.BOOL, a.shape());
    Storage as = a.storage();
    for (int k = 0; k < as.length; k++) {
      out.storage().b.put(k, (byte) (as.getDouble(k) == 0 ? 1 : 0));
    }
    return out;
  }

  private static void requireBool(String op, Tensor mask) {
    if (mask.dtype() != DType.BOOL) {
      throw new IllegalArgumentException(
          op
              + ": mask must be BOOL, got "
              + mask.dtype()
              + " of shape "
              + Arrays.toString(mask.shape()));
    }
  }

  /** {@code cond ? a : b}, broadcasting all three. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    requireBool("where", cond);
    long[] outShape =
        Shape.broadcast("where", cond.shape(), Shape.broadcast("where", a.shape(), b.shape()));
    DType t = DType.promote(a.dtype(), b.dtype());
    Tensor ac = convert(a, t);
    Tensor bc = convert(b, t);
    Tensor out = Tensor.empty(t, outShape);
    int[] sc = Shape.broadcastStrides(cond.shape(), outShape);
    int[] sa = Shape.broadcastStrides(ac.shape(), outShape);
    int[] sb = Shape.broadcastStrides(bc.shape(), outShape);
    Storage cs = cond.storage();
    Storage as = ac.storage();
    Storage bs = bc.storage();
    Storage o = out.storage();
    int n = o.length;
    int nd = outShape.length;
    int[] idx = new int[nd];
    int co = 0;
    int ao = 0;
    int bo = 0;
    boolean f32 = t == DType.FLOAT32;
    for (int k = 0; k < n; k++) {
      boolean c = cs.b.get(co) != 0;
      if (f32) {
        o.f.put(k, c ? as.f.get(ao) : bs.f.get(bo));
      } else if (t.isFloatingPoint()) {
        o.setDouble(k, c ? as.getDouble(ao) : bs.getDouble(bo));
      } else {
        o.setLong(k, c ? as.getLong(ao) : bs.getLong(bo));
      }
      for (int d = nd - 1; d >= 0; d--) {
        idx[d]++;
        co += sc[d];
        ao += sa[d];
        bo += sb[d];
        if (idx[d] < outShape[d]) {
          break;
        }
        co -= sc[d] * (int) outShape[d];
        ao -= sa[d] * (int) outShape[d];
        bo -= sb[d] * (int) outShape[d];
        idx[d] = 0;
      }
    }
    if (!Engine.needsRecord(a, b)) {
      return out;
    }
    long[] aShape = a.shape();
    long[] bShape = b.shape();
    return Engine.record(
        "where",
        out,
        new Tensor[] {a, b},
        (g, need) -> {
          Tensor zero = Tensor.zerosLike(g);
          return new Tensor[] {
            need[0] ? sumTo(where(cond, g, zero), aShape) : null,
            need[1] ? sumTo(where(cond, zero, g), bShape) : null
          };
        },
        cond);
  }

  /** {@code x} with {@code value} where {@code mask} holds. */
  public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
    requireBool("maskedFill", mask);
    long[] outShape = Shape.broadcast("maskedFill", x.shape(), mask.shape());
    if (!Arrays.equals(outShape, x.shape())) {
      throw new IllegalArgumentException(
          "maskedFill: mask of shape "
              + Arrays.toString(mask.shape())
              + " does not broadcast to the tensor's shape "
              + Arrays.toString(x.shape()));
    }
    Tensor fill = Tensor.scalar(value, x.dtype());
    Tensor out;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      out = where(mask, fill, x);
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "maskedFill",
        out,
        new Tensor[] {x},
        (g, need) -> new Tensor[] {where(mask, Tensor.zerosLike(g), g)},
        mask);
  }

  /** Elements clamped to {@code [min, max]}; gradient 1 inside, 0 where clamped. */
  public static Tensor clamp(Tensor x, double min, double max) {
    if (min > max) {
      throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
    }
    Tensor out = Tensor.empty(x.dtype(), x.shape());
    Storage xs = x.storage();
    Storage o = out.storage();
    for (int k = 0; k < xs.length; k++) {
      double v = xs.getDouble(k);
      o.setDouble(k, Double.isNaN(v) ? v : Math.min(Math.max(v, min), max));
    }
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "clamp",
        out,
        new Tensor[] {x},
        (g, need) -> {
          Tensor keep = where(x.ge(min), x.le(max), Tensor.scalar(0, DType.BOOL));
          return new Tensor[] {where(keep, g, Tensor.zerosLike(g))};
        },
        x);
  }

  /**
   * {@code x} converted to {@code type} without recording (for type promotion inside ops, whose own
   * backward hands the engine gradients it converts back to each input's type).
   */
  public static Tensor convert(Tensor x, DType type) {
    if (x.dtype() == type) {
      return x;
    }
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      return cast(x, type);
    }
  }

  /** {@code x} converted to {@code type}; differentiable between floating types. */
  public static Tensor cast(Tensor x, DType type) {
    Tensor out = Tensor.empty(type, x.shape());
    Storage xs = x.storage();
    Storage o = out.storage();
    int n = xs.length;
    if (type.isFloatingPoint()) {
      for (int k = 0; k < n; k++) {
        o.setDouble(k, xs.getDouble(k));
      }
    } else if (x.dtype().isFloatingPoint()) {
      for (int k = 0; k < n; k++) {
        double v = xs.getDouble(k);
        o.setLong(k, type == DType.BOOL ? (v != 0 ? 1 : 0) : (long) v);
      }
    } else {
      for (int k = 0; k < n; k++) {
        o.setLong(k, xs.getLong(k));
      }
    }
    if (!type.isFloatingPoint() || !Engine.needsRecord(x)) {
      return out;
    }
    DType from = x.dtype();
    return Engine.record("to", out, new Tensor[] {x}, (g, need) -> new Tensor[] {g.to(from)});
  }

  /** Fills every element with {@code value} (no autograd, no version bump). */
  public static void fill(Tensor t, double value) {
    Storage s = t.storage();
    int n = s.length;
    if (t.dtype() == DType.FLOAT32) {
      float v = (float) value;
      for (int k = 0; k < n; k++) {
        s.f.put(k, v);
      }
    } else {
      for (int k = 0; k < n; k++) {
        s.setDouble(k, value);
      }
    }
  }

  /** True if every element is finite. */
  public static boolean allFinite(Tensor t) {
    Storage s = t.storage();
    if (t.dtype() == DType.FLOAT32) {
      for (int k = 0; k < s.length; k++) {
        if (!Float.isFinite(s.f.get(k))) {
          return false;
        }
      }
    } else if (t.dtype() == DType.FLOAT64) {
      for (int k = 0; k < s.length; k++) {
        if (!Double.isFinite(s.d.get(k))) {
          return false;
        }
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ in place

  /**
   * Refuses an in-place op on a tensor that takes part in autograd while grad mode is on.
   *
   * @throws IllegalStateException naming the op
   */
  public static void checkInPlace(String op, Tensor t) {
    if (t.requiresGrad() && Engine.isGradEnabled()) {
      throw new IllegalStateException(
          op
              + ": in-place operation on a tensor that requires grad"
              + (t.isLeaf() ? " (a leaf)" : " (output of '" + t.gradFnName() + "')")
              + " while grad mode is on; use the out-of-place op, or wrap it in "
              + "Tensor.noGrad() for parameter updates");
    }
  }

  /** {@code t op= other} in place; returns {@code t}. */
  public static Tensor inPlace(Binary op, Tensor t, Tensor other) {
    checkInPlace(op.opName + "_", t);
    long[] outShape = Shape.broadcast(op.opName + "_", t.shape(), other.shape());
    if (!Arrays.equals(outShape, t.shape())) {
      throw new IllegalArgumentException(
          op.opName
              + "_: shape "
              + Arrays.toString(other.shape())
              + " does not broadcast to the in-place target's shape "
              + Arrays.toString(t.shape()));
    }
    if (op == Binary.DIV && !t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "div_: in-place true division of a " + t.dtype() + " tensor (result would be float)");
    }
    compute(op, t, convert(other, t.dtype()), t);
    t.storage().bumpVersion();
    return t;
  }

  /** {@code t op= s} in place; returns {@code t}. */
  public static Tensor inPlaceScalar(Binary op, Tensor t, double s) {
    checkInPlace(op.opName + "_", t);
    if (op == Binary.DIV && !t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "div_: in-place true division of a " + t.dtype() + " tensor (result would be float)");
    }
    computeScalar(op, t, s, t);
    t.storage().bumpVersion();
    return t;
  }

  /** Copies {@code src}, broadcast and converted, into {@code dst}; returns {@code dst}. */
  public static Tensor copyInto(Tensor dst, Tensor src) {
    checkInPlace("copy_", dst);
    long[] outShape = Shape.broadcast("copy_", dst.shape(), src.shape());
    if (!Arrays.equals(outShape, dst.shape())) {
      throw new IllegalArgumentException(
          "copy_: source shape "
              + Arrays.toString(src.shape())
              + " does not broadcast to destination shape "
              + Arrays.toString(dst.shape()));
    }
    Tensor s = convert(src, dst.dtype());
    if (Arrays.equals(s.shape(), dst.shape())) {
      dst.storage().copyFrom(s.storage(), 0, 0, s.storage().length);
    } else {
      // dst = 0 * dst + s, via the broadcasting kernel: copy as "RSUB 0".
      compute(Binary.ADD, Tensor.zerosLike(dst), s, dst);
    }
    dst.storage().bumpVersion();
    return dst;
  }
}
