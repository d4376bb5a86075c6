package dev.residual.tensor;

import dev.residual.tensor.internal.Engine;
import dev.residual.tensor.internal.Index;
import dev.residual.tensor.internal.LinAlg;
import dev.residual.tensor.internal.MemoryScopes;
import dev.residual.tensor.internal.Node;
import dev.residual.tensor.internal.Pointwise;
import dev.residual.tensor.internal.Pointwise.Binary;
import dev.residual.tensor.internal.Pointwise.Unary;
import dev.residual.tensor.internal.Reduce;
import dev.residual.tensor.internal.Shape;
import dev.residual.tensor.internal.Shapes;
import dev.residual.tensor.internal.Storage;
import dev.residual.tensor.internal.TensorFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An n-dimensional array with reverse-mode automatic differentiation, backed by ND4J memory.
 *
 * <p>Names and semantics follow PyTorch: {@code a.matmul(b).add(bias).relu().sum().backward()}
 * fills {@code grad()} of every leaf that {@linkplain #requiresGrad(boolean) requires grad}. Binary
 * ops broadcast NumPy-style and follow PyTorch's {@linkplain DType#promote type promotion};
 * negative dims and indices count from the end.
 *
 * <h2>Storage and ND4J</h2>
 *
 * The elements live off-heap in a contiguous, C-ordered block of the same kind of native memory
 * ND4J uses; {@link #array()} returns an {@link INDArray} over it without copying (the escape hatch
 * to all of ND4J), and {@link #fromArray(INDArray)} wraps an array. Ops run as fused Java loops and
 * direct BLAS calls on that memory rather than through ND4J's per-op dispatch, which measured 5-8x
 * slower for GEMM and ~10 us of overhead per small op on our machines.
 *
 * <p>Every tensor is contiguous. {@link #reshape}/{@link #view} share memory with their source;
 * {@link #permute}, {@link #transpose}, {@link #narrow}, {@link #select} and the other shape ops
 * return new contiguous tensors (copies) — unlike PyTorch's strided views, so writing in place into
 * their result does not change the source. The exception is an op that changes nothing (a full
 * slice, an identity permutation, an expand to the same shape): it returns this tensor itself, as a
 * PyTorch view would share it. Copying keeps every kernel a simple, fast loop.
 *
 * <h2>Autograd</h2>
 *
 * Ops on tensors that require grad are recorded on a tape; {@link #backward()} walks it once in
 * reverse and then releases it, freeing the intermediates it saved (pass {@code retainGraph} to
 * keep it). {@link #noGrad()} opens a thread-local scope in which nothing is recorded. In-place ops
 * ({@link #addi}, {@link #copy_}, …) are refused on tensors that take part in autograd while grad
 * mode is on, and a tensor saved for backward that is modified in place afterwards makes backward
 * fail with an {@link IllegalStateException}.
 *
 * <h2>Errors</h2>
 *
 * Bad arguments throw {@link IllegalArgumentException} naming the op and every shape involved
 * ({@code matmul: shapes [2, 3] and [4, 5] do not align (3 != 4)}); misuse (backward through a
 * freed graph, an in-place change to a saved tensor) throws {@link IllegalStateException}.
 *
 * <p>Tensors are not thread-safe; separate threads may use separate tensors freely.
 */
public final class Tensor {
  private static volatile DType defaultDType = DType.FLOAT32;

  private final Storage storage;
  private final long[] shape;
  private boolean requiresGrad;
  private Tensor grad;
  private Node gradFn;
  private List<Function<Tensor, Tensor>> hooks;
  private INDArray arrayView;

  private Tensor(Storage storage, long[] shape) {
    this.storage = storage;
    this.shape = shape;
  }

  // ---------------------------------------------------------------- internal construction

  /**
   * Wraps a storage as a tensor of the given shape (internal: used by Residual's kernels).
   *
   * @throws IllegalArgumentException if the shape's element count differs from the storage length
   */
  public static Tensor fromStorage(Storage storage, long... shape) {
    long n = Shape.numel(shape);
    if (n != storage.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + n
              + " elements, storage has "
              + storage.length);
    }
    return new Tensor(storage, shape.clone());
  }

  /** A new uninitialised tensor (internal: kernels overwrite every element). */
  public static Tensor empty(DType dtype, long... shape) {
    Shape.check("empty", shape);
    return new Tensor(Storage.allocate(dtype, Shape.numel(shape), false), shape.clone());
  }

  /**
   * The storage (internal).
   *
   * @throws IllegalStateException if its memory was released by a memory scope or the engine
   */
  public Storage storage() {
    if (storage.isReleased()) {
      storage.checkLive("tensor");
    }
    return storage;
  }

  /** Attaches the node that produced this tensor (internal: used by the autograd engine). */
  public void attachGradFn(Node node) {
    this.gradFn = node;
    this.requiresGrad = true;
  }

  /** The node that produced this tensor, or null for leaves (internal). */
  public Node gradFn() {
    return gradFn;
  }

  /** Gradient hooks of a leaf (internal). */
  public List<Function<Tensor, Tensor>> hooks() {
    return hooks;
  }

  /** Adds {@code g} into {@link #grad()} (internal: used by the autograd engine). */
  public void accumulateGrad(Tensor g) {
    if (grad == null) {
      grad = g.detachedCopy();
      MemoryScopes.escape(grad.storage);
    } else {
      try (NoGrad ignored = noGrad()) {
        grad.addi(g);
      }
    }
  }

  /** Replaces {@link #grad()} (null clears it). */
  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape, shape)) {
      throw new IllegalArgumentException(
          "setGrad: gradient shape "
              + Arrays.toString(g.shape)
              + " differs from tensor shape "
              + Arrays.toString(shape));
    }
    this.grad = g;
    if (g != null) {
      MemoryScopes.escape(g.storage);
    }
  }

  private Tensor detachedCopy() {
    Tensor c = new Tensor(Storage.allocate(storage.dtype, storage.length, false), shape.clone());
    c.storage.copyFrom(storage, 0, 0, storage.length);
    return c;
  }

  // ---------------------------------------------------------------- default dtype, grad mode

  /** The floating type of tensors created without an explicit type (FLOAT32 unless changed). */
  public static DType defaultDType() {
    return defaultDType;
  }

  /**
   * Sets the default floating type (global).
   *
   * @throws IllegalArgumentException if {@code dtype} is not floating point
   */
  public static void setDefaultDType(DType dtype) {
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException("default dtype must be floating point, got " + dtype);
    }
    defaultDType = dtype;
  }

  /** A scope in which no op is recorded for autograd; close it to restore the previous mode. */
  public static final class NoGrad implements AutoCloseable {
    private boolean closed;

    private NoGrad() {
      Engine.pushNoGrad();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        Engine.popNoGrad();
      }
    }
  }

  /**
   * Opens a thread-local no-grad scope: {@code try (var g = Tensor.noGrad()) { … }}. Scopes nest.
   */
  public static NoGrad noGrad() {
    return new NoGrad();
  }

  /** True unless the current thread is inside a {@link #noGrad()} scope. */
  public static boolean isGradEnabled() {
    return Engine.isGradEnabled();
  }

  // ---------------------------------------------------------------- creation

  /** A FLOAT32 tensor holding {@code data} (copied) in C order with the given shape. */
  public static Tensor of(float[] data, long... shape) {
    Tensor t = empty(DType.FLOAT32, shapeFor("of", data.length, shape));
    t.storage.f.put(0, data);
    return t;
  }

  /**
   * A FLOAT64 tensor holding {@code data} (copied); the shape defaults to {@code [data.length]}.
   */
  public static Tensor of(double[] data, long... shape) {
    Tensor t = empty(DType.FLOAT64, shapeFor("of", data.length, shape));
    t.storage.d.put(0, data);
    return t;
  }

  /** An INT32 tensor holding {@code data} (copied). */
  public static Tensor of(int[] data, long... shape) {
    Tensor t = empty(DType.INT32, shapeFor("of", data.length, shape));
    t.storage.i.put(0, data);
    return t;
  }

  /** An INT64 tensor holding {@code data} (copied). */
  public static Tensor of(long[] data, long... shape) {
    Tensor t = empty(DType.INT64, shapeFor("of", data.length, shape));
    t.storage.l.put(0, data);
    return t;
  }

  /** A BOOL tensor holding {@code data} (copied). */
  public static Tensor of(boolean[] data, long... shape) {
    Tensor t = empty(DType.BOOL, shapeFor("of", data.length, shape));
    for (int k = 0; k < data.length; k++) {
      t.storage.b.put(k, (byte) (data[k] ? 1 : 0));
    }
    return t;
  }

  private static long[] shapeFor(String op, int n, long[] shape) {
    if (shape.length == 0) {
      return new long[] {n};
    }
    Shape.check(op, shape);
    if (Shape.numel(shape) != n) {
      throw new IllegalArgumentException(
          op
              + ": "
              + n
              + " values do not fill shape "
              + Arrays.toString(shape)
              + " ("
              + Shape.numel(shape)
              + " elements)");
    }
    return shape;
  }

  /** A 0-dimensional tensor of the default type. */
  public static Tensor scalar(double value) {
    return scalar(value, defaultDType);
  }

  /** A 0-dimensional tensor of type {@code dtype}. */
  public static Tensor scalar(double value, DType dtype) {
    Tensor t = empty(dtype);
    t.storage.setDouble(0, value);
    return t;
  }

  /** Zeros of the default type. */
  public static Tensor zeros(long... shape) {
    return zeros(defaultDType, shape);
  }

  /** Zeros of type {@code dtype}. */
  public static Tensor zeros(DType dtype, long... shape) {
    Shape.check("zeros", shape);
    return new Tensor(Storage.allocate(dtype, Shape.numel(shape), true), shape.clone());
  }

  /** Ones of the default type. */
  public static Tensor ones(long... shape) {
    return full(1.0, defaultDType, shape);
  }

  /** Ones of type {@code dtype}. */
  public static Tensor ones(DType dtype, long... shape) {
    return full(1.0, dtype, shape);
  }

  /** A tensor of the default type filled with {@code value}. */
  public static Tensor full(double value, long... shape) {
    return full(value, defaultDType, shape);
  }

  /** A tensor of type {@code dtype} filled with {@code value}. */
  public static Tensor full(double value, DType dtype, long... shape) {
    Tensor t = empty(dtype, shape);
    Pointwise.fill(t, value);
    return t;
  }

  /** Zeros with {@code t}'s shape and type. */
  public static Tensor zerosLike(Tensor t) {
    return zeros(t.dtype(), t.shape);
  }

  /** Ones with {@code t}'s shape and type. */
  public static Tensor onesLike(Tensor t) {
    return full(1.0, t.dtype(), t.shape);
  }

  /** {@code [0, 1, …, end-1]} as INT64. */
  public static Tensor arange(long end) {
    return arange(0, end, 1, DType.INT64);
  }

  /**
   * {@code start, start+step, …} up to but excluding {@code end}, of type {@code dtype}; {@code
   * ceil((end-start)/step)} elements.
   *
   * @throws IllegalArgumentException if {@code step} is 0 or has the wrong sign
   */
  public static Tensor arange(double start, double end, double step, DType dtype) {
    if (step == 0 || (end - start) * step < 0) {
      throw new IllegalArgumentException(
          "arange: step " + step + " cannot go from " + start + " to " + end);
    }
    long n = (long) Math.ceil((end - start) / step);
    Tensor t = empty(dtype, n);
    for (int k = 0; k < n; k++) {
      t.storage.setDouble(k, start + k * step);
    }
    return t;
  }

  /** {@code [start, …, end)} with step 1 in the default floating type. */
  public static Tensor arange(double start, double end, double step) {
    return arange(start, end, step, defaultDType);
  }

  /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive. */
  public static Tensor linspace(double start, double end, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
    }
    Tensor t = empty(defaultDType, steps);
    double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
    for (int k = 0; k < steps; k++) {
      // Fill from both ends, as PyTorch does, so the last value is exactly end; one step is
      // just start (PyTorch's special case).
      t.storage.setDouble(
          k, k < steps / 2 || steps == 1 ? start + k * delta : end - (steps - 1 - k) * delta);
    }
    return t;
  }

  /** The {@code n x n} identity in the default type. */
  public static Tensor eye(long n) {
    return eye(n, n);
  }

  /** An {@code n x m} matrix with ones on the diagonal. */
  public static Tensor eye(long n, long m) {
    Tensor t = zeros(n, m);
    for (long k = 0; k < Math.min(n, m); k++) {
      t.storage.setDouble((int) (k * m + k), 1.0);
    }
    return t;
  }

  /** Uniform samples in {@code [0, 1)} of the default type, drawn from {@code g}. */
  public static Tensor rand(Generator g, long... shape) {
    Tensor t = empty(defaultDType, shape);
    for (int k = 0; k < t.storage.length; k++) {
      t.storage.setDouble(k, g.nextDouble());
    }
    return t;
  }

  /** Standard normal samples of the default type, drawn from {@code g}. */
  public static Tensor randn(Generator g, long... shape) {
    Tensor t = empty(defaultDType, shape);
    for (int k = 0; k < t.storage.length; k++) {
      t.storage.setDouble(k, g.nextGaussian());
    }
    return t;
  }

  /**
   * Uniform integers in {@code [low, high)} as INT64, drawn from {@code g}.
   *
   * @throws IllegalArgumentException if {@code high <= low}
   */
  public static Tensor randint(Generator g, long low, long high, long... shape) {
    if (high <= low) {
      throw new IllegalArgumentException("randint: empty range [" + low + ", " + high + ")");
    }
    Tensor t = empty(DType.INT64, shape);
    for (int k = 0; k < t.storage.length; k++) {
      t.storage.l.put(k, low + g.nextLong(high - low));
    }
    return t;
  }

  /**
   * A tensor over an ND4J array. A C-ordered array with no offset is shared (writes through either
   * are seen by both); any other array is copied first.
   *
   * @throws IllegalArgumentException for data types other than BOOL, INT, LONG, FLOAT and DOUBLE
   */
  public static Tensor fromArray(INDArray array) {
    INDArray a = array;
    boolean shareable =
        a.ordering() == 'c' && a.offset() == 0 && !a.isView() && a.length() == a.data().length();
    if (!shareable) {
      a = a.dup('c');
    }
    return new Tensor(Storage.wrap(a), a.shape().clone());
  }

  // ---------------------------------------------------------------- properties

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Length of dimension {@code dim} (negative counts from the end).
   *
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public long size(int dim) {
    return shape[Shape.dim("size", dim, shape.length)];
  }

  /** Number of dimensions. */
  public int dim() {
    return shape.length;
  }

  /** Number of elements. */
  public long numel() {
    return storage.length;
  }

  /** Element type. */
  public DType dtype() {
    return storage.dtype;
  }

  /**
   * An ND4J view of this tensor's memory (no copy; created once and cached). Writes through the
   * array are seen by the tensor; they bypass autograd's in-place checks.
   */
  public INDArray array() {
    if (arrayView == null) {
      long[] s = shape.length == 0 ? new long[0] : shape;
      arrayView =
          Nd4j.create(storage.toDataBuffer(), s, Shape.stridesOf(s), 0, 'c', dtype().nd4j());
    }
    return arrayView;
  }

  // ---------------------------------------------------------------- autograd

  /** Whether gradients flow to this tensor. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Marks a leaf as requiring grad (or not); returns this tensor.
   *
   * @throws IllegalArgumentException for non-floating types
   * @throws IllegalStateException when called with false on a non-leaf (use {@link #detach()})
   */
  public Tensor requiresGrad(boolean value) {
    if (value && !dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "requiresGrad: only floating-point tensors can require grad, got " + dtype());
    }
    if (!value && gradFn != null) {
      throw new IllegalStateException(
          "requiresGrad(false) on a non-leaf tensor (output of '"
              + gradFn.name
              + "'): use detach()");
    }
    this.requiresGrad = value;
    return this;
  }

  /** True for tensors not produced by a recorded op. */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /** The accumulated gradient, or null. */
  public Tensor grad() {
    return grad;
  }

  /** Clears the gradient (sets it to null, as PyTorch's {@code zero_grad(set_to_none=True)}). */
  public void zeroGrad() {
    grad = null;
  }

  /** Makes {@link #grad()} of this non-leaf tensor filled by backward; returns this. */
  public Tensor retainGrad() {
    if (gradFn != null) {
      gradFn.retained = this;
    }
    return this;
  }

  /** The name of the op that produced this tensor, or null for a leaf. */
  public String gradFnName() {
    return gradFn == null ? null : gradFn.name;
  }

  /**
   * Registers a hook called with this tensor's gradient during backward; a non-null return value
   * replaces the gradient. Returns an {@link AutoCloseable} that removes the hook.
   *
   * @throws IllegalStateException if this tensor does not require grad
   */
  public AutoCloseable registerHook(Function<Tensor, Tensor> hook) {
    if (!requiresGrad) {
      throw new IllegalStateException("registerHook: tensor does not require grad");
    }
    if (gradFn != null) {
      Node n = gradFn;
      n.addHook(hook);
      return () -> n.hooks.remove(hook);
    }
    if (hooks == null) {
      hooks = new ArrayList<>();
    }
    hooks.add(hook);
    return () -> hooks.remove(hook);
  }

  /** Backward from a scalar: fills {@code grad()} of every leaf that requires grad. */
  public void backward() {
    if (numel() != 1) {
      throw new IllegalArgumentException(
          "backward: grad can be implicitly created only for scalar outputs, got shape "
              + Arrays.toString(shape)
              + "; pass a gradient of that shape");
    }
    backward(onesLike(this), false);
  }

  /** Backward with an explicit gradient of this tensor's shape. */
  public void backward(Tensor gradient) {
    backward(gradient, false);
  }

  /**
   * Backward with an explicit gradient; {@code retainGraph} keeps the tape for another backward.
   *
   * @throws IllegalStateException if this tensor does not require grad, or the graph was freed
   * @throws IllegalArgumentException if {@code gradient}'s shape differs from this tensor's
   */
  public void backward(Tensor gradient, boolean retainGraph) {
    if (!requiresGrad) {
      throw new IllegalStateException("backward: tensor does not require grad and has no grad_fn");
    }
    if (!Arrays.equals(gradient.shape, shape)) {
      throw new IllegalArgumentException(
          "backward: gradient shape "
              + Arrays.toString(gradient.shape)
              + " differs from tensor "
              + "shape "
              + Arrays.toString(shape));
    }
    Engine.backward(new Tensor[] {this}, new Tensor[] {gradient.to(dtype())}, retainGraph, null);
  }

  /** A tensor sharing this one's memory, cut off from the graph (does not require grad). */
  public Tensor detach() {
    return new Tensor(storage, shape);
  }

  /** A copy of this tensor (recorded for autograd). */
  @Override
  public Tensor clone() {
    Tensor out = detachedCopy();
    return Engine.record("clone", out, new Tensor[] {this}, (g, n) -> new Tensor[] {g});
  }

  /** This tensor converted to {@code type} (this tensor itself if already of that type). */
  public Tensor to(DType type) {
    if (type == dtype()) {
      return this;
    }
    return Pointwise.cast(this, type);
  }

  /** Version of the underlying memory; bumped by every in-place op. */
  public int version() {
    return storage.version;
  }

  // ---------------------------------------------------------------- element access

  /**
   * The single value of a one-element tensor, as a double.
   *
   * @throws IllegalStateException if the tensor has more than one element
   */
  public double item() {
    if (numel() != 1) {
      throw new IllegalStateException(
          "item: tensor of shape "
              + Arrays.toString(shape)
              + " has "
              + numel()
              + " elements, expected 1");
    }
    return storage.getDouble(0);
  }

  /** The value at a multi-index (negative indices count from the end), as a double. */
  public double get(long... index) {
    return storage.getDouble(Shape.flatIndex("get", shape, index));
  }

  /** The elements in C order, converted to float. */
  public float[] toFloatArray() {
    float[] out = new float[storage.length];
    if (dtype() == DType.FLOAT32) {
      storage.f.get(0, out);
    } else {
      for (int k = 0; k < out.length; k++) {
        out[k] = (float) storage.getDouble(k);
      }
    }
    return out;
  }

  /** The elements in C order, converted to double. */
  public double[] toDoubleArray() {
    double[] out = new double[storage.length];
    if (dtype() == DType.FLOAT64) {
      storage.d.get(0, out);
    } else {
      for (int k = 0; k < out.length; k++) {
        out[k] = storage.getDouble(k);
      }
    }
    return out;
  }

  /** The elements in C order, converted to long (floats truncated toward zero). */
  public long[] toLongArray() {
    long[] out = new long[storage.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = storage.getLong(k);
    }
    return out;
  }

  /** The elements in C order as booleans (non-zero is true). */
  public boolean[] toBooleanArray() {
    boolean[] out = new boolean[storage.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = storage.getDouble(k) != 0;
    }
    return out;
  }

  /** True if no element is NaN or infinite. */
  public boolean isFinite() {
    return Pointwise.allFinite(this);
  }

  /** Shape, type, gradient function and (truncated) values. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }

  // ---------------------------------------------------------------- elementwise

  /** {@code this + other}, broadcasting. */
  public Tensor add(Tensor other) {
    return Pointwise.binary(Binary.ADD, this, other);
  }

  /** {@code this + value}. */
  public Tensor add(double value) {
    return Pointwise.binaryScalar(Binary.ADD, this, value);
  }

  /** {@code this - other}, broadcasting. */
  public Tensor sub(Tensor other) {
    return Pointwise.binary(Binary.SUB, this, other);
  }

  /** {@code this - value}. */
  public Tensor sub(double value) {
    return Pointwise.binaryScalar(Binary.SUB, this, value);
  }

  /** {@code value - this}. */
  public Tensor rsub(double value) {
    return Pointwise.binaryScalar(Binary.RSUB, this, value);
  }

  /** {@code this * other}, broadcasting. */
  public Tensor mul(Tensor other) {
    return Pointwise.binary(Binary.MUL, this, other);
  }

  /** {@code this * value}. */
  public Tensor mul(double value) {
    return Pointwise.binaryScalar(Binary.MUL, this, value);
  }

  /** {@code this / other} (true division: integers give the default floating type). */
  public Tensor div(Tensor other) {
    return Pointwise.binary(Binary.DIV, this, other);
  }

  /** {@code this / value}. */
  public Tensor div(double value) {
    return Pointwise.binaryScalar(Binary.DIV, this, value);
  }

  /** {@code this ^ exponent}, elementwise, broadcasting. */
  public Tensor pow(Tensor exponent) {
    return Pointwise.binary(Binary.POW, this, exponent);
  }

  /** {@code this ^ exponent}. */
  public Tensor pow(double exponent) {
    return Pointwise.binaryScalar(Binary.POW, this, exponent);
  }

  /** Elementwise maximum, broadcasting (the gradient goes to the larger; split on ties). */
  public Tensor maximum(Tensor other) {
    return Pointwise.binary(Binary.MAXIMUM, this, other);
  }

  /** Elementwise minimum, broadcasting. */
  public Tensor minimum(Tensor other) {
    return Pointwise.binary(Binary.MINIMUM, this, other);
  }

  /** {@code -this}. */
  public Tensor neg() {
    return Pointwise.unary(Unary.NEG, this);
  }

  /** {@code e^this}. */
  public Tensor exp() {
    return Pointwise.unary(Unary.EXP, this);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return Pointwise.unary(Unary.LOG, this);
  }

  /** Square root. */
  public Tensor sqrt() {
    return Pointwise.unary(Unary.SQRT, this);
  }

  /** {@code 1 / sqrt(this)}. */
  public Tensor rsqrt() {
    return Pointwise.unary(Unary.RSQRT, this);
  }

  /** Absolute value (gradient 0 at 0, as PyTorch's sign). */
  public Tensor abs() {
    return Pointwise.unary(Unary.ABS, this);
  }

  /** {@code this * this}. */
  public Tensor square() {
    return Pointwise.unary(Unary.SQUARE, this);
  }

  /** Sine. */
  public Tensor sin() {
    return Pointwise.unary(Unary.SIN, this);
  }

  /** Cosine. */
  public Tensor cos() {
    return Pointwise.unary(Unary.COS, this);
  }

  /** Hyperbolic tangent. */
  public Tensor tanh() {
    return Pointwise.unary(Unary.TANH, this);
  }

  /** Logistic sigmoid {@code 1 / (1 + e^-x)}. */
  public Tensor sigmoid() {
    return Pointwise.unary(Unary.SIGMOID, this);
  }

  /** {@code max(x, 0)}. */
  public Tensor relu() {
    return Pointwise.unary(Unary.RELU, this);
  }

  /** Exact GELU {@code x * Φ(x)} with the error function. */
  public Tensor gelu() {
    return Pointwise.unary(Unary.GELU, this);
  }

  /**
   * GPT-2's tanh-approximated GELU ("gelu_new"): {@code 0.5 x (1 + tanh(√(2/π) (x + 0.044715
   * x³)))}.
   */
  public Tensor geluTanh() {
    return Pointwise.unary(Unary.GELU_TANH, this);
  }

  /** SiLU (swish) {@code x * sigmoid(x)}. */
  public Tensor silu() {
    return Pointwise.unary(Unary.SILU, this);
  }

  /** Softplus {@code log(1 + e^x)}, computed stably. */
  public Tensor softplus() {
    return Pointwise.unary(Unary.SOFTPLUS, this);
  }

  /** Elements clamped to {@code [min, max]} (use ±infinity for a one-sided clamp). */
  public Tensor clamp(double min, double max) {
    return Pointwise.clamp(this, min, max);
  }

  /** {@code this == other} as BOOL, broadcasting. */
  public Tensor eq(Tensor other) {
    return Pointwise.compare(Binary.EQ, this, other);
  }

  /** {@code this == value} as BOOL. */
  public Tensor eq(double value) {
    return Pointwise.compareScalar(Binary.EQ, this, value);
  }

  /** {@code this != other} as BOOL. */
  public Tensor ne(Tensor other) {
    return Pointwise.compare(Binary.NE, this, other);
  }

  /** {@code this != value} as BOOL. */
  public Tensor ne(double value) {
    return Pointwise.compareScalar(Binary.NE, this, value);
  }

  /** {@code this < other} as BOOL. */
  public Tensor lt(Tensor other) {
    return Pointwise.compare(Binary.LT, this, other);
  }

  /** {@code this < value} as BOOL. */
  public Tensor lt(double value) {
    return Pointwise.compareScalar(Binary.LT, this, value);
  }

  /** {@code this <= other} as BOOL. */
  public Tensor le(Tensor other) {
    return Pointwise.compare(Binary.LE, this, other);
  }

  /** {@code this <= value} as BOOL. */
  public Tensor le(double value) {
    return Pointwise.compareScalar(Binary.LE, this, value);
  }

  /** {@code this > other} as BOOL. */
  public Tensor gt(Tensor other) {
    return Pointwise.compare(Binary.GT, this, other);
  }

  /** {@code this > value} as BOOL. */
  public Tensor gt(double value) {
    return Pointwise.compareScalar(Binary.GT, this, value);
  }

  /** {@code this >= other} as BOOL. */
  public Tensor ge(Tensor other) {
    return Pointwise.compare(Binary.GE, this, other);
  }

  /** {@code this >= value} as BOOL. */
  public Tensor ge(double value) {
    return Pointwise.compareScalar(Binary.GE, this, value);
  }

  /** Logical not of a BOOL tensor (any type: zero is false). */
  public Tensor logicalNot() {
    return Pointwise.logicalNot(this);
  }

  /**
   * {@code cond ? a : b} elementwise, broadcasting all three; the result has the promoted type of
   * {@code a} and {@code b}. Gradients flow to {@code a} where cond holds and to {@code b}
   * elsewhere.
   *
   * @throws IllegalArgumentException if {@code cond} is not BOOL or shapes do not broadcast
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    return Pointwise.where(cond, a, b);
  }

  /**
   * This tensor with {@code value} wherever {@code mask} (BOOL, broadcastable to this shape) is
   * true; no gradient flows through the filled positions.
   */
  public Tensor maskedFill(Tensor mask, double value) {
    return Pointwise.maskedFill(this, mask, value);
  }

  // ---------------------------------------------------------------- matmul

  /**
   * Matrix product with PyTorch's semantics: 1-D·1-D is a dot product; 2-D·2-D a matrix product; a
   * 1-D operand is promoted to a matrix and the added dim removed afterwards; for N-D operands the
   * last two dims are multiplied and the leading (batch) dims broadcast ({@code [B,T,C]·[C,D] ->
   * [B,T,D]}, {@code [B,H,T,D]·[B,H,D,S] -> [B,H,T,S]}). Float types run on BLAS.
   *
   * @throws IllegalArgumentException if inner dims differ or batch dims do not broadcast
   */
  public Tensor matmul(Tensor other) {
    return LinAlg.matmul(this, other);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (a 0-d tensor; integers and BOOL sum to INT64). */
  public Tensor sum() {
    return Reduce.sum(this, null, false);
  }

  /** Sum over {@code dim}. */
  public Tensor sum(int dim) {
    return Reduce.sum(this, new int[] {dim}, false);
  }

  /** Sum over {@code dim}, keeping it as size 1 if {@code keepDim}. */
  public Tensor sum(int dim, boolean keepDim) {
    return Reduce.sum(this, new int[] {dim}, keepDim);
  }

  /** Sum over {@code dims}. */
  public Tensor sum(int[] dims, boolean keepDim) {
    return Reduce.sum(this, dims, keepDim);
  }

  /** Mean of all elements (floating types only). */
  public Tensor mean() {
    return Reduce.mean(this, null, false);
  }

  /** Mean over {@code dim}. */
  public Tensor mean(int dim) {
    return Reduce.mean(this, new int[] {dim}, false);
  }

  /** Mean over {@code dim}, keeping it if {@code keepDim}. */
  public Tensor mean(int dim, boolean keepDim) {
    return Reduce.mean(this, new int[] {dim}, keepDim);
  }

  /** Mean over {@code dims}. */
  public Tensor mean(int[] dims, boolean keepDim) {
    return Reduce.mean(this, dims, keepDim);
  }

  /** Largest element (the gradient is split evenly among ties, as PyTorch's {@code max()}). */
  public Tensor max() {
    return Reduce.maxAll(this, true);
  }

  /** Smallest element. */
  public Tensor min() {
    return Reduce.maxAll(this, false);
  }

  /** Largest values along {@code dim} and their indices (first occurrence on ties). */
  public ValuesIndices max(int dim, boolean keepDim) {
    return Reduce.maxDim(this, dim, keepDim, true);
  }

  /** Smallest values along {@code dim} and their indices. */
  public ValuesIndices min(int dim, boolean keepDim) {
    return Reduce.maxDim(this, dim, keepDim, false);
  }

  /** Index of the largest element of the flattened tensor (INT64 scalar). */
  public Tensor argmax() {
    return Reduce.argAll(this, true);
  }

  /** Indices of the largest values along {@code dim} (INT64). */
  public Tensor argmax(int dim, boolean keepDim) {
    return Reduce.maxDim(this, dim, keepDim, true).indices();
  }

  /** Index of the smallest element of the flattened tensor. */
  public Tensor argmin() {
    return Reduce.argAll(this, false);
  }

  /** Indices of the smallest values along {@code dim}. */
  public Tensor argmin(int dim, boolean keepDim) {
    return Reduce.maxDim(this, dim, keepDim, false).indices();
  }

  /** Variance of all elements; {@code unbiased} divides by {@code n-1} (Bessel). */
  public Tensor var(boolean unbiased) {
    return Reduce.var(this, null, unbiased, false);
  }

  /** Variance over {@code dims}. */
  public Tensor var(int[] dims, boolean unbiased, boolean keepDim) {
    return Reduce.var(this, dims, unbiased, keepDim);
  }

  /** Standard deviation of all elements. */
  public Tensor std(boolean unbiased) {
    return Reduce.var(this, null, unbiased, false).sqrt();
  }

  /** Standard deviation over {@code dims}. */
  public Tensor std(int[] dims, boolean unbiased, boolean keepDim) {
    return Reduce.var(this, dims, unbiased, keepDim).sqrt();
  }

  /** {@code log(sum(exp(x)))} over {@code dim}, computed stably (finite for logits of ±1e4). */
  public Tensor logSumExp(int dim, boolean keepDim) {
    return Reduce.logSumExp(this, dim, keepDim);
  }

  /** Euclidean (L2) norm of all elements. */
  public Tensor norm() {
    return Reduce.norm(this, 2.0, null, false);
  }

  /** The {@code p}-norm over {@code dims} (null: all); {@code p} may be infinite. */
  public Tensor norm(double p, int[] dims, boolean keepDim) {
    return Reduce.norm(this, p, dims, keepDim);
  }

  /** Cumulative sum along {@code dim}. */
  public Tensor cumsum(int dim) {
    return Reduce.cumsum(this, dim);
  }

  /** Values sorted along {@code dim} and the permutation (stable). */
  public ValuesIndices sort(int dim, boolean descending) {
    return Reduce.sort(this, dim, descending);
  }

  /** The permutation that sorts along {@code dim} (stable; INT64). */
  public Tensor argsort(int dim, boolean descending) {
    return Reduce.sort(this, dim, descending).indices();
  }

  /**
   * The {@code k} largest (or smallest) values along {@code dim} and their indices, in sorted order
   * when {@code sorted}.
   *
   * @throws IllegalArgumentException if {@code k} exceeds the dim's size
   */
  public ValuesIndices topk(int k, int dim, boolean largest, boolean sorted) {
    return Reduce.topk(this, k, dim, largest, sorted);
  }

  /** The {@code k} largest values along the last dim, sorted descending. */
  public ValuesIndices topk(int k) {
    return Reduce.topk(this, k, -1, true, true);
  }

  // ---------------------------------------------------------------- shape

  /**
   * The same elements in a new shape; one dim may be -1 (inferred). Shares memory with this tensor.
   *
   * @throws IllegalArgumentException if the element counts differ
   */
  public Tensor reshape(long... newShape) {
    return Shapes.reshape(this, newShape);
  }

  /** Same as {@link #reshape} (every tensor is contiguous, so a view always exists). */
  public Tensor view(long... newShape) {
    return Shapes.reshape(this, newShape);
  }

  /** This tensor itself (every tensor is contiguous); kept for PyTorch familiarity. */
  public Tensor contiguous() {
    return this;
  }

  /** Dims reordered: output dim {@code i} is input dim {@code dims[i]}. */
  public Tensor permute(int... dims) {
    return Shapes.permute(this, dims);
  }

  /** Dims {@code d0} and {@code d1} swapped. */
  public Tensor transpose(int d0, int d1) {
    return Shapes.transpose(this, d0, d1);
  }

  /**
   * Transpose of a matrix ({@code <= 2} dims; 0-d and 1-d tensors are returned as is).
   *
   * @throws IllegalArgumentException for more than 2 dims
   */
  public Tensor t() {
    if (dim() > 2) {
      throw new IllegalArgumentException(
          "t: expects a tensor with <= 2 dims, got shape " + Arrays.toString(shape));
    }
    return dim() < 2 ? this : transpose(0, 1);
  }

  /** A size-1 dim inserted at {@code dim} ({@code -1} appends). */
  public Tensor unsqueeze(int dim) {
    return Shapes.unsqueeze(this, dim);
  }

  /** All size-1 dims removed. */
  public Tensor squeeze() {
    return Shapes.squeeze(this, null);
  }

  /** Dim {@code dim} removed if it has size 1 (otherwise unchanged, as PyTorch). */
  public Tensor squeeze(int dim) {
    return Shapes.squeeze(this, dim);
  }

  /** All dims flattened into one. */
  public Tensor flatten() {
    return flatten(0, -1);
  }

  /** Dims {@code startDim..endDim} (inclusive) flattened into one. */
  public Tensor flatten(int startDim, int endDim) {
    return Shapes.flatten(this, startDim, endDim);
  }

  /**
   * Size-1 dims repeated (without copying semantics in PyTorch; here materialised) to {@code
   * newShape}; -1 keeps a dim; new leading dims may be added.
   */
  public Tensor expand(long... newShape) {
    return Shapes.expand(this, newShape);
  }

  /** The tensor tiled {@code repeats[i]} times along each dim (as PyTorch's {@code repeat}). */
  public Tensor repeat(long... repeats) {
    return Shapes.repeat(this, repeats);
  }

  /** Elements {@code start..start+length-1} along {@code dim}. */
  public Tensor narrow(int dim, long start, long length) {
    return Shapes.slice(this, dim, start, start + length, 1);
  }

  /**
   * Elements {@code start, start+step, …} below {@code end} along {@code dim}, as Python's {@code
   * x[start:end:step]}; negative {@code start}/{@code end} count from the end and are clamped.
   */
  public Tensor slice(int dim, long start, long end, long step) {
    return Shapes.slice(this, dim, start, end, step);
  }

  /** The slice at {@code index} along {@code dim}, with that dim removed. */
  public Tensor select(int dim, long index) {
    return Shapes.select(this, dim, index);
  }

  /** Tensors joined along an existing dim. */
  public static Tensor cat(List<Tensor> tensors, int dim) {
    return Shapes.cat(tensors, dim);
  }

  /** Tensors joined along an existing dim. */
  public static Tensor cat(int dim, Tensor... tensors) {
    return Shapes.cat(Arrays.asList(tensors), dim);
  }

  /** Tensors of equal shape stacked along a new dim. */
  public static Tensor stack(List<Tensor> tensors, int dim) {
    return Shapes.stack(tensors, dim);
  }

  /** Tensors of equal shape stacked along a new dim. */
  public static Tensor stack(int dim, Tensor... tensors) {
    return Shapes.stack(Arrays.asList(tensors), dim);
  }

  /** Pieces of {@code splitSize} along {@code dim} (the last may be smaller). */
  public List<Tensor> split(long splitSize, int dim) {
    return Shapes.split(this, splitSize, dim);
  }

  /**
   * Pieces with the given sizes along {@code dim}.
   *
   * @throws IllegalArgumentException if the sizes do not add up to the dim's length
   */
  public List<Tensor> split(long[] sizes, int dim) {
    return Shapes.split(this, sizes, dim);
  }

  /** {@code chunks} pieces of (nearly) equal size along {@code dim}, as PyTorch's chunk. */
  public List<Tensor> chunk(int chunks, int dim) {
    return Shapes.chunk(this, chunks, dim);
  }

  /** Lower triangle of the last two dims: elements with {@code col - row <= diagonal} kept. */
  public Tensor tril(long diagonal) {
    return Shapes.triangle(this, diagonal, true);
  }

  /** Lower triangle including the main diagonal. */
  public Tensor tril() {
    return tril(0);
  }

  /** Upper triangle: elements with {@code col - row >= diagonal} kept. */
  public Tensor triu(long diagonal) {
    return Shapes.triangle(this, diagonal, false);
  }

  /** Upper triangle including the main diagonal. */
  public Tensor triu() {
    return triu(0);
  }

  // ---------------------------------------------------------------- indexing

  /**
   * {@code out[i][j][k] = this[index[i][j][k]][j][k]} for {@code dim = 0} (and so on), as PyTorch's
   * gather; {@code index} is INT64/INT32 with the same number of dims.
   */
  public Tensor gather(int dim, Tensor index) {
    return Index.gather(this, dim, index);
  }

  /** Slices along {@code dim} picked by a 1-D integer {@code index} (repeats allowed). */
  public Tensor indexSelect(int dim, Tensor index) {
    return Index.indexSelect(this, dim, index);
  }

  /**
   * Out-of-place {@code scatter_add}: a copy of this tensor where {@code src[i][j]} is added at
   * {@code [index[i][j]][j]} (for dim 0); repeated indices accumulate.
   */
  public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
    return Index.scatterAdd(this, dim, index, src);
  }

  /** One-hot encoding of this integer tensor: shape {@code [..., numClasses]}, INT64. */
  public Tensor oneHot(int numClasses) {
    return Index.oneHot(this, numClasses);
  }

  // ---------------------------------------------------------------- in-place

  /** {@code this += other} in place (broadcasting {@code other}); returns this. */
  public Tensor addi(Tensor other) {
    return Pointwise.inPlace(Binary.ADD, this, other);
  }

  /** {@code this += value} in place. */
  public Tensor addi(double value) {
    return Pointwise.inPlaceScalar(Binary.ADD, this, value);
  }

  /** {@code this -= other} in place. */
  public Tensor subi(Tensor other) {
    return Pointwise.inPlace(Binary.SUB, this, other);
  }

  /** {@code this -= value} in place. */
  public Tensor subi(double value) {
    return Pointwise.inPlaceScalar(Binary.SUB, this, value);
  }

  /** {@code this *= other} in place. */
  public Tensor muli(Tensor other) {
    return Pointwise.inPlace(Binary.MUL, this, other);
  }

  /** {@code this *= value} in place. */
  public Tensor muli(double value) {
    return Pointwise.inPlaceScalar(Binary.MUL, this, value);
  }

  /** {@code this /= other} in place. */
  public Tensor divi(Tensor other) {
    return Pointwise.inPlace(Binary.DIV, this, other);
  }

  /** {@code this /= value} in place. */
  public Tensor divi(double value) {
    return Pointwise.inPlaceScalar(Binary.DIV, this, value);
  }

  /** Copies {@code src} (broadcast and converted to this type) into this tensor; returns this. */
  public Tensor copy_(Tensor src) {
    return Pointwise.copyInto(this, src);
  }

  /** Fills this tensor with {@code value} in place; returns this. */
  public Tensor fill_(double value) {
    Pointwise.checkInPlace("fill_", this);
    Pointwise.fill(this, value);
    storage.bumpVersion();
    return this;
  }

  /** Fills this tensor with zeros in place; returns this. */
  public Tensor zero_() {
    return fill_(0.0);
  }
}
