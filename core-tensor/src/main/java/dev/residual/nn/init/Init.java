package dev.residual.nn.init;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.apache.commons.math3.special.Erf;

/**
 * In-place parameter initialisers, the counterpart of PyTorch's {@code torch.nn.init}. Each fills
 * its tensor outside autograd (so it may be applied to parameters that require grad), bumps the
 * tensor's version, and returns it. Random initialisers draw from the given {@link Generator} in C
 * order (one draw per element, two for none), so a seed fixes the result on every machine and for
 * every floating dtype; values are computed in double and rounded once to the tensor's type.
 *
 * <p>Random initialisers require a floating-point tensor ({@link IllegalArgumentException}
 * otherwise); those that need fans require at least two dimensions, like PyTorch.
 */
public final class Init {
  private static final int CHUNK = 8192;

  private Init() {}

  /** Which fan {@link #kaimingUniform_} and {@link #kaimingNormal_} scale by. */
  public enum FanMode {
    /** Preserves the variance of activations in the forward pass. */
    FAN_IN,
    /** Preserves the variance of gradients in the backward pass. */
    FAN_OUT
  }

  /** Nonlinearities known to {@link #calculateGain(Nonlinearity, double)}, PyTorch's names. */
  public enum Nonlinearity {
    LINEAR,
    CONV1D,
    CONV2D,
    CONV3D,
    CONV_TRANSPOSE1D,
    CONV_TRANSPOSE2D,
    CONV_TRANSPOSE3D,
    SIGMOID,
    TANH,
    RELU,
    LEAKY_RELU,
    SELU
  }

  /** Fan-in and fan-out of a weight tensor, as PyTorch's {@code _calculate_fan_in_and_fan_out}. */
  public record Fans(long fanIn, long fanOut) {}

  /**
   * The fans of a weight of shape {@code [out, in, *kernel]}: {@code fanIn = in * prod(kernel)},
   * {@code fanOut = out * prod(kernel)}.
   *
   * @throws IllegalArgumentException if the tensor has fewer than two dimensions
   */
  public static Fans calculateFans(Tensor t) {
    if (t.dim() < 2) {
      throw new IllegalArgumentException(
          "init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions,"
              + " got shape "
              + Arrays.toString(t.shape()));
    }
    long receptive = 1;
    for (int k = 2; k < t.dim(); k++) {
      receptive *= t.size(k);
    }
    return new Fans(t.size(1) * receptive, t.size(0) * receptive);
  }

  /**
   * The recommended gain for a nonlinearity (PyTorch's {@code calculate_gain}): 1 for linear,
   * convolutions and sigmoid; 5/3 for tanh; √2 for ReLU; √(2 / (1 + slope²)) for leaky ReLU with
   * negative slope {@code param}; 3/4 for SELU. {@code param} is ignored except for leaky ReLU.
   */
  public static double calculateGain(Nonlinearity nonlinearity, double param) {
    switch (nonlinearity) {
      case TANH:
        return 5.0 / 3.0;
      case RELU:
        return Math.sqrt(2.0);
      case LEAKY_RELU:
        return Math.sqrt(2.0 / (1.0 + param * param));
      case SELU:
        return 3.0 / 4.0;
      default:
        return 1.0;
    }
  }

  /** {@link #calculateGain(Nonlinearity, double)} with PyTorch's default leaky-ReLU slope 0.01. */
  public static double calculateGain(Nonlinearity nonlinearity) {
    return calculateGain(nonlinearity, 0.01);
  }

  // ---------------------------------------------------------------- skipping

  private static final ThreadLocal<int[]> SKIP_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * A scope in which every random initialiser of this class fills zeros instead (drawing nothing
   * from its generator): for building a model whose weights are loaded right after, as Hugging
   * Face's {@code no_init_weights}. Building GPT-2 small draws ~250 million random numbers
   * otherwise. Scopes nest and are per thread.
   *
   * <pre>{@code
   * GPT2 model;
   * try (Init.Skip ignored = Init.skip()) {
   *   model = new GPT2(config, new Generator(0));
   * }
   * model.loadStateDict(weights, true);
   * }</pre>
   */
  public static Skip skip() {
    SKIP_DEPTH.get()[0]++;
    return new Skip();
  }

  /** Whether this thread is inside an {@link #skip()} scope. */
  public static boolean isSkipping() {
    return SKIP_DEPTH.get()[0] > 0;
  }

  /** The scope {@link #skip()} opens; closing it restores random initialisation. */
  public static final class Skip implements AutoCloseable {
    private boolean closed;

    private Skip() {}

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        SKIP_DEPTH.get()[0]--;
      }
    }
  }

  // ---------------------------------------------------------------- constant fills

  /** Fills {@code t} with {@code value}; any dtype. */
  public static Tensor constant_(Tensor t, double value) {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      return t.fill_(value);
    }
  }

  /** Fills {@code t} with zeros; any dtype. */
  public static Tensor zeros_(Tensor t) {
    return constant_(t, 0.0);
  }

  /** Fills {@code t} with ones; any dtype. */
  public static Tensor ones_(Tensor t) {
    return constant_(t, 1.0);
  }

  // ---------------------------------------------------------------- random fills

  /**
   * Fills {@code t} with draws from {@code U(a, b)}.
   *
   * @throws IllegalArgumentException if {@code a > b}, either is not finite, or {@code t} is not
   *     floating point
   */
  public static Tensor uniform_(Tensor t, double a, double b, Generator g) {
    if (!(a <= b) || !Double.isFinite(a) || !Double.isFinite(b)) {
      throw new IllegalArgumentException(
          "uniform_: expects a finite range with a <= b, got a=" + a + ", b=" + b);
    }
    requireFloat("uniform_", t);
    return fill(t, () -> a + (b - a) * g.nextDouble());
  }

  /**
   * Fills {@code t} with draws from {@code N(mean, std²)}.
   *
   * @throws IllegalArgumentException if {@code std < 0} or {@code t} is not floating point
   */
  public static Tensor normal_(Tensor t, double mean, double std, Generator g) {
    if (!(std >= 0)) {
      throw new IllegalArgumentException("normal_: expects std >= 0, got " + std);
    }
    requireFloat("normal_", t);
    return fill(t, () -> mean + std * g.nextGaussian());
  }

  /**
   * Fills {@code t} from {@code N(mean, std²)} truncated to {@code [a, b]} by PyTorch's inverse-CDF
   * method: {@code u ~ U(2Φ(α) - 1, 2Φ(β) - 1)}, then {@code mean + std·√2·erfinv(u)} clamped to
   * {@code [a, b]}, where {@code α = (a - mean)/std} and {@code β = (b - mean)/std}.
   *
   * @throws IllegalArgumentException if {@code std <= 0}, {@code a > b}, or {@code t} is not
   *     floating point
   */
  public static Tensor truncNormal_(
      Tensor t, double mean, double std, double a, double b, Generator g) {
    if (!(std > 0)) {
      throw new IllegalArgumentException("truncNormal_: expects std > 0, got " + std);
    }
    if (!(a <= b)) {
      throw new IllegalArgumentException("truncNormal_: expects a <= b, got a=" + a + ", b=" + b);
    }
    requireFloat("truncNormal_", t);
    double lo = 2 * normCdf((a - mean) / std) - 1;
    double hi = 2 * normCdf((b - mean) / std) - 1;
    return fill(
        t,
        () -> {
          double u = lo + (hi - lo) * g.nextDouble();
          double x = mean + std * Math.sqrt(2.0) * Erf.erfInv(u);
          return Math.min(Math.max(x, a), b);
        });
  }

  private static double normCdf(double x) {
    return (1.0 + Erf.erf(x / Math.sqrt(2.0))) / 2.0;
  }

  /**
   * Glorot uniform: {@code U(-r, r)} with {@code r = gain·√(6 / (fanIn + fanOut))}.
   *
   * @throws IllegalArgumentException for fewer than two dims or a non-float tensor
   */
  public static Tensor xavierUniform_(Tensor t, double gain, Generator g) {
    Fans f = calculateFans(t);
    double std = gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
    double r = Math.sqrt(3.0) * std;
    return uniform_(t, -r, r, g);
  }

  /**
   * Glorot normal: {@code N(0, std²)} with {@code std = gain·√(2 / (fanIn + fanOut))}.
   *
   * @throws IllegalArgumentException for fewer than two dims or a non-float tensor
   */
  public static Tensor xavierNormal_(Tensor t, double gain, Generator g) {
    Fans f = calculateFans(t);
    double std = gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
    return normal_(t, 0.0, std, g);
  }

  /**
   * He uniform: {@code U(-r, r)} with {@code r = √3·gain/√fan}, {@code gain =
   * calculateGain(nonlinearity, a)} and {@code fan} chosen by {@code mode}. A tensor with no
   * elements is left as is. {@code kaimingUniform_(w, √5, FAN_IN, LEAKY_RELU, g)} is PyTorch's
   * default for {@code Linear} and {@code Conv2d} weights ({@code r = 1/√fanIn}).
   *
   * @throws IllegalArgumentException for fewer than two dims or a non-float tensor
   */
  public static Tensor kaimingUniform_(
      Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator g) {
    if (t.numel() == 0) {
      return t;
    }
    double std = kaimingStd(t, a, mode, nonlinearity);
    double r = Math.sqrt(3.0) * std;
    return uniform_(t, -r, r, g);
  }

  /**
   * He normal: {@code N(0, std²)} with {@code std = gain/√fan}; see {@link #kaimingUniform_}.
   *
   * @throws IllegalArgumentException for fewer than two dims or a non-float tensor
   */
  public static Tensor kaimingNormal_(
      Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator g) {
    if (t.numel() == 0) {
      return t;
    }
    return normal_(t, 0.0, kaimingStd(t, a, mode, nonlinearity), g);
  }

  private static double kaimingStd(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
    Fans f = calculateFans(t);
    long fan = mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
    return calculateGain(nonlinearity, a) / Math.sqrt(fan);
  }

  /**
   * A (semi-)orthogonal matrix scaled by {@code gain}, as PyTorch's {@code orthogonal_}: the tensor
   * is viewed as {@code [rows, numel/rows]}, a standard normal matrix of that shape is drawn, and
   * its QR factor {@code Q} (of the transpose when the matrix is wide) is taken with columns
   * multiplied by the signs of {@code diag(R)}, which makes the result independent of the QR
   * algorithm. Rows (if {@code rows <= cols}) or columns (otherwise) are then orthonormal. The QR
   * is a Householder factorisation in double.
   *
   * @throws IllegalArgumentException for fewer than two dims or a non-float tensor
   */
  public static Tensor orthogonal_(Tensor t, double gain, Generator g) {
    if (t.dim() < 2) {
      throw new IllegalArgumentException(
          "orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
              + Arrays.toString(t.shape()));
    }
    requireFloat("orthogonal_", t);
    if (SKIP_DEPTH.get()[0] > 0) {
      return zeros_(t);
    }
    if (t.numel() == 0) {
      return t;
    }
    int rows = (int) t.size(0);
    int cols = (int) (t.numel() / rows);
    double[] flat = new double[rows * cols];
    for (int k = 0; k < flat.length; k++) {
      flat[k] = g.nextGaussian();
    }
    boolean wide = rows < cols;
    int m = wide ? cols : rows;
    int n = wide ? rows : cols;
    // a[j][i]: column j of the tall m x n matrix (the transpose of flat when wide).
    double[][] a = new double[n][m];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (wide) {
          a[r][c] = flat[r * cols + c];
        } else {
          a[c][r] = flat[r * cols + c];
        }
      }
    }
    double[][] q = householderQ(a, m, n);
    double[] out = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = gain * (wide ? q[r][c] : q[c][r]);
      }
    }
    return write(t, out);
  }

  /**
   * The thin Q factor (columns {@code q[j]}, length {@code m}) of the tall matrix with columns
   * {@code a[j]}, normalised so that R has a non-negative diagonal. Destroys {@code a}.
   */
  private static double[][] householderQ(double[][] a, int m, int n) {
    double[][] v = new double[n][];
    double[] diag = new double[n];
    for (int k = 0; k < n; k++) {
      double[] col = a[k];
      double norm = 0;
      for (int i = k; i < m; i++) {
        norm += col[i] * col[i];
      }
      norm = Math.sqrt(norm);
      // Reflect x onto -sign(x0)·|x|·e0 so that v = x - alpha·e0 never cancels.
      double alpha = col[k] > 0 ? -norm : norm;
      diag[k] = alpha;
      double[] vk = new double[m];
      for (int i = k; i < m; i++) {
        vk[i] = col[i];
      }
      vk[k] -= alpha;
      double vnorm2 = 0;
      for (int i = k; i < m; i++) {
        vnorm2 += vk[i] * vk[i];
      }
      if (vnorm2 == 0) {
        v[k] = null;
        diag[k] = col[k];
        continue;
      }
      double scale = 1 / Math.sqrt(vnorm2);
      for (int i = k; i < m; i++) {
        vk[i] *= scale;
      }
      v[k] = vk;
      for (int j = k + 1; j < n; j++) {
        reflect(vk, a[j], k, m);
      }
    }
    double[][] q = new double[n][m];
    for (int j = 0; j < n; j++) {
      q[j][j] = 1;
      // Q e_j = H_0 H_1 ... H_{n-1} e_j: apply the reflectors from the last to the first.
      for (int k = Math.min(j, n - 1); k >= 0; k--) {
        if (v[k] != null) {
          reflect(v[k], q[j], k, m);
        }
      }
      double sign = Math.signum(diag[j]);
      for (int i = 0; i < m; i++) {
        q[j][i] *= sign;
      }
    }
    return q;
  }

  /** {@code x[k:m] -= 2 v (vᵀ x)} for a unit vector {@code v} supported on {@code [k, m)}. */
  private static void reflect(double[] v, double[] x, int k, int m) {
    double dot = 0;
    for (int i = k; i < m; i++) {
      dot += v[i] * x[i];
    }
    dot *= 2;
    for (int i = k; i < m; i++) {
      x[i] -= dot * v[i];
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void requireFloat(String op, Tensor t) {
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op + ": expects a floating-point tensor, got " + t.dtype());
    }
  }

  /** Writes {@code v} (C order) into {@code t}, rounding once to its type. */
  private static Tensor write(Tensor t, double[] v) {
    int[] k = {0};
    return fill(t, () -> v[k[0]++]);
  }

  /**
   * Fills {@code t} in C order with successive values of {@code next}, rounded once to its type.
   * Works through a small chunk so that initialising a large embedding needs no heap copy of it.
   */
  private static Tensor fill(Tensor t, DoubleSupplier next) {
    if (SKIP_DEPTH.get()[0] > 0) {
      return zeros_(t);
    }
    Storage s = t.storage();
    s.checkLive("init");
    int n = s.length;
    if (s.f != null) {
      float[] chunk = new float[Math.min(n, CHUNK)];
      for (int start = 0; start < n; start += chunk.length) {
        int len = Math.min(chunk.length, n - start);
        for (int k = 0; k < len; k++) {
          chunk[k] = (float) next.getAsDouble();
        }
        s.f.put(start, chunk, 0, len);
      }
    } else {
      double[] chunk = new double[Math.min(n, CHUNK)];
      for (int start = 0; start < n; start += chunk.length) {
        int len = Math.min(chunk.length, n - start);
        for (int k = 0; k < len; k++) {
          chunk[k] = next.getAsDouble();
        }
        s.d.put(start, chunk, 0, len);
      }
    }
    s.bumpVersion();
    return t;
  }
}
