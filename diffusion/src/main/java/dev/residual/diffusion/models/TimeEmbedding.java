package dev.residual.diffusion.models;

import dev.residual.nn.Embedding;
import dev.residual.nn.Module;
import dev.residual.nn.UnaryModule;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * Maps integer timesteps {@code [batch]} to vectors {@code [batch, dim]}, either with the fixed
 * sinusoidal embedding of DDPM / "Attention is all you need" or with a learned table.
 *
 * <p>Sinusoidal ({@link #sinusoidal(int)}): with {@code half = dim / 2} and frequencies {@code f_i
 * = exp(−ln(10000) · i / half)} for {@code i = 0 … half−1}, row b is {@code [sin(t_b f_0), …,
 * sin(t_b f_{half−1}), cos(t_b f_0), …, cos(t_b f_{half−1})]} (all sines first, then all cosines,
 * as in the DDPM reference code; {@code dim} must be even). It has no parameters and is computed in
 * double precision, then converted to the requested type.
 *
 * <p>Learned ({@link #learned(int, int, Generator)}): an {@link Embedding} with one row per
 * timestep, initialised from {@code N(0, 1)}.
 */
public final class TimeEmbedding extends Module implements UnaryModule {
  private final int dim;
  private final int numTimesteps;
  private final Embedding table;

  private TimeEmbedding(int dim, int numTimesteps, Generator g) {
    this.dim = dim;
    this.numTimesteps = numTimesteps;
    this.table = g == null ? null : registerModule("table", new Embedding(numTimesteps, dim, g));
  }

  /**
   * The fixed sinusoidal embedding of size {@code dim}.
   *
   * @throws IllegalArgumentException if {@code dim} is not a positive even number
   */
  public static TimeEmbedding sinusoidal(int dim) {
    checkDim("TimeEmbedding.sinusoidal", dim);
    return new TimeEmbedding(dim, -1, null);
  }

  /**
   * A learned embedding: one trainable row of size {@code dim} for each of {@code numTimesteps}
   * timesteps.
   *
   * @throws IllegalArgumentException if {@code numTimesteps} or {@code dim} is not positive
   */
  public static TimeEmbedding learned(int numTimesteps, int dim, Generator g) {
    if (numTimesteps <= 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "TimeEmbedding.learned: numTimesteps and dim must be positive, got "
              + numTimesteps
              + " and "
              + dim);
    }
    return new TimeEmbedding(dim, numTimesteps, g);
  }

  /** Whether this embedding has a trainable table. */
  public boolean isLearned() {
    return table != null;
  }

  /** The embedding size. */
  public int dim() {
    return dim;
  }

  /**
   * Embeds timesteps {@code [batch]} into {@code [batch, dim]}; the sinusoidal variant returns the
   * default dtype (see {@link #forward(Tensor, DType)}), the learned one the table's dtype.
   *
   * @throws IllegalArgumentException if {@code t} is not 1-D, or (learned) holds a timestep outside
   *     {@code [0, numTimesteps)} or is not an integer tensor
   */
  @Override
  public Tensor forward(Tensor t) {
    return forward(t, Tensor.defaultDType());
  }

  /**
   * Embeds timesteps {@code [batch]} into {@code [batch, dim]}; {@code dtype} is the output type of
   * the sinusoidal variant (the learned one always returns the table's type).
   *
   * @throws IllegalArgumentException as {@link #forward(Tensor)}
   */
  public Tensor forward(Tensor t, DType dtype) {
    if (t.dim() != 1) {
      throw new IllegalArgumentException(
          "TimeEmbedding: expected timesteps [batch], got shape " + Arrays.toString(t.shape()));
    }
    if (table == null) {
      return sinusoidal(t, dim, dtype);
    }
    if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          "TimeEmbedding.learned: timesteps must be an integer tensor, got " + t.dtype());
    }
    for (long v : t.toLongArray()) {
      if (v < 0 || v >= numTimesteps) {
        throw new IllegalArgumentException(
            "TimeEmbedding.learned: timestep " + v + " outside [0, " + numTimesteps + ")");
      }
    }
    return table.forward(t);
  }

  /**
   * The sinusoidal embedding (see the class comment) of timesteps {@code t [batch]} (any numeric
   * type; fractional timesteps are allowed) as a {@code [batch, dim]} tensor of type {@code dtype}.
   * It does not track gradients.
   *
   * @throws IllegalArgumentException if {@code t} is not 1-D or {@code dim} is not a positive even
   *     number
   */
  public static Tensor sinusoidal(Tensor t, int dim, DType dtype) {
    checkDim("TimeEmbedding.sinusoidal", dim);
    if (t.dim() != 1) {
      throw new IllegalArgumentException(
          "TimeEmbedding.sinusoidal: expected timesteps [batch], got shape "
              + Arrays.toString(t.shape()));
    }
    double[] ts = t.detach().toDoubleArray();
    int half = dim / 2;
    double[] freq = new double[half];
    for (int i = 0; i < half; i++) {
      freq[i] = Math.exp(-Math.log(10000.0) * i / half);
    }
    int b = ts.length;
    if (dtype == DType.FLOAT64) {
      double[] out = new double[b * dim];
      for (int r = 0; r < b; r++) {
        for (int i = 0; i < half; i++) {
          double a = ts[r] * freq[i];
          out[r * dim + i] = Math.sin(a);
          out[r * dim + half + i] = Math.cos(a);
        }
      }
      return Tensor.of(out, b, dim);
    }
    float[] out = new float[b * dim];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < half; i++) {
        double a = ts[r] * freq[i];
        out[r * dim + i] = (float) Math.sin(a);
        out[r * dim + half + i] = (float) Math.cos(a);
      }
    }
    Tensor result = Tensor.of(out, b, dim);
    return dtype == DType.FLOAT32 ? result : result.to(dtype);
  }

  private static void checkDim(String op, int dim) {
    if (dim <= 0 || dim % 2 != 0) {
      throw new IllegalArgumentException(op + ": dim must be a positive even number, got " + dim);
    }
  }

  @Override
  public String extraRepr() {
    return table == null
        ? "sinusoidal, dim=" + dim
        : "learned, numTimesteps=" + numTimesteps + ", dim=" + dim;
  }
}
