package dev.residual.diffusion.models;

import dev.residual.diffusion.Denoiser;
import dev.residual.nn.Embedding;
import dev.residual.nn.Linear;
import dev.residual.nn.Module;
import dev.residual.nn.ModuleList;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;

/**
 * A multilayer perceptron denoiser for low-dimensional data (2-D toys): {@code x_t [B, D]}, integer
 * timesteps {@code [B]} and optional labels {@code [B]} to a prediction {@code [B, D]}.
 *
 * <p>Architecture, with {@code H = hidden}:
 *
 * <pre>
 *   temb = Linear(H→H)(SiLU(Linear(timeDim→H)(sinusoidal(t, timeDim))))   [B, H]  (sinusoidal)
 *        | Embedding(numTimesteps, H)(t)                                    [B, H]  (learned)
 *   cemb = Embedding(numClasses + 1, H)(y)                                  [B, H]  (conditional)
 *   h    = SiLU(Linear(D→H)(x_t) + temb + cemb)                             [B, H]
 *   h    = SiLU(Linear(H→H)(h))   repeated numHidden − 1 times              [B, H]
 *   out  = Linear(H→D)(h)                                                   [B, D]
 * </pre>
 *
 * so there are {@code numHidden} hidden layers of width H. The conditioning is added to the first
 * hidden pre-activation. Row {@code numClasses} of the class table means "no label": it is used
 * where {@code y} is null or holds {@code numClasses}, which is how classifier-free guidance drops
 * the label. The network computes in the dtype of its parameters ({@link Module#to(DType)}).
 */
public final class MlpDenoiser extends Module implements Denoiser {
  /**
   * Hyperparameters.
   *
   * @param dataDim D, the size of a data point
   * @param hidden H, the width of every hidden layer
   * @param numHidden the number of hidden layers (at least 1)
   * @param timeDim size of the sinusoidal embedding fed to the time MLP (even; unused if learned)
   * @param learnedTimesteps the number of timesteps T of a learned time embedding, or 0 for the
   *     sinusoidal one
   * @param numClasses the number of classes for a conditional model, or 0 for an unconditional one
   */
  public record Config(
      int dataDim, int hidden, int numHidden, int timeDim, int learnedTimesteps, int numClasses) {

    /** Validates the sizes; throws IllegalArgumentException naming every bad value. */
    public Config {
      if (dataDim <= 0
          || hidden <= 0
          || numHidden < 1
          || timeDim <= 0
          || timeDim % 2 != 0
          || learnedTimesteps < 0
          || numClasses < 0) {
        throw new IllegalArgumentException(
            "MlpDenoiser.Config: need dataDim > 0, hidden > 0, numHidden >= 1, timeDim even > 0,"
                + " learnedTimesteps >= 0, numClasses >= 0; got dataDim="
                + dataDim
                + ", hidden="
                + hidden
                + ", numHidden="
                + numHidden
                + ", timeDim="
                + timeDim
                + ", learnedTimesteps="
                + learnedTimesteps
                + ", numClasses="
                + numClasses);
      }
    }

    /**
     * The defaults for {@code dataDim}: 3 hidden layers of 128, a 32-wide sinusoidal time
     * embedding, unconditional.
     */
    public static Config of(int dataDim) {
      return new Config(dataDim, 128, 3, 32, 0, 0);
    }

    /** This config with hidden width {@code h}. */
    public Config withHidden(int h) {
      return new Config(dataDim, h, numHidden, timeDim, learnedTimesteps, numClasses);
    }

    /** This config with {@code n} hidden layers. */
    public Config withNumHidden(int n) {
      return new Config(dataDim, hidden, n, timeDim, learnedTimesteps, numClasses);
    }

    /** This config with a sinusoidal time embedding of size {@code d}. */
    public Config withTimeDim(int d) {
      return new Config(dataDim, hidden, numHidden, d, 0, numClasses);
    }

    /** This config with a learned time embedding for {@code numTimesteps} timesteps. */
    public Config withLearnedTime(int numTimesteps) {
      if (numTimesteps <= 0) {
        throw new IllegalArgumentException(
            "MlpDenoiser.Config.withLearnedTime: numTimesteps must be positive, got "
                + numTimesteps);
      }
      return new Config(dataDim, hidden, numHidden, timeDim, numTimesteps, numClasses);
    }

    /** This config conditioned on {@code k} classes (plus the "no label" row). */
    public Config withClasses(int k) {
      return new Config(dataDim, hidden, numHidden, timeDim, learnedTimesteps, k);
    }
  }

  private final Config config;
  private final TimeEmbedding timeEmbedding;
  private final Linear timeIn;
  private final Linear timeOut;
  private final Embedding classEmbedding;
  private final Linear input;
  private final ModuleList<Linear> hiddenLayers;
  private final Linear output;

  /** A freshly initialised network for {@code config}, drawing its weights from {@code g}. */
  public MlpDenoiser(Config config, Generator g) {
    this.config = config;
    int h = config.hidden();
    if (config.learnedTimesteps() > 0) {
      timeEmbedding =
          registerModule("timeEmbedding", TimeEmbedding.learned(config.learnedTimesteps(), h, g));
      timeIn = null;
      timeOut = null;
    } else {
      timeEmbedding = registerModule("timeEmbedding", TimeEmbedding.sinusoidal(config.timeDim()));
      timeIn = registerModule("timeIn", new Linear(config.timeDim(), h, g));
      timeOut = registerModule("timeOut", new Linear(h, h, g));
    }
    classEmbedding =
        config.numClasses() > 0
            ? registerModule("classEmbedding", new Embedding(config.numClasses() + 1, h, g))
            : null;
    input = registerModule("input", new Linear(config.dataDim(), h, g));
    hiddenLayers = registerModule("hidden", new ModuleList<>());
    for (int i = 1; i < config.numHidden(); i++) {
      hiddenLayers.add(new Linear(h, h, g));
    }
    output = registerModule("output", new Linear(h, config.dataDim(), g));
  }

  /** The hyperparameters. */
  public Config config() {
    return config;
  }

  /**
   * Predicts ε, x0 or v (whatever it was trained for) from {@code xt [B, D]}, timesteps {@code t
   * [B]} (integer) and labels {@code y [B]} (integer in {@code [0, numClasses]}, or null).
   *
   * @return {@code [B, D]} in the parameters' dtype
   * @throws IllegalArgumentException if {@code xt} is not {@code [B, D]}, {@code t} or {@code y} is
   *     not {@code [B]}, a label is outside {@code [0, numClasses]}, labels are given to an
   *     unconditional model, or (learned embedding) a timestep is outside {@code [0, T)}
   */
  @Override
  public Tensor predict(Tensor xt, Tensor t, Tensor y) {
    if (xt.dim() != 2 || xt.shape()[1] != config.dataDim()) {
      throw new IllegalArgumentException(
          "MlpDenoiser.predict: expected x_t [batch, "
              + config.dataDim()
              + "], got shape "
              + Arrays.toString(xt.shape()));
    }
    long b = xt.shape()[0];
    if (t.dim() != 1 || t.shape()[0] != b) {
      throw new IllegalArgumentException(
          "MlpDenoiser.predict: timesteps shape "
              + Arrays.toString(t.shape())
              + " does not match x_t shape "
              + Arrays.toString(xt.shape()));
    }
    DType dtype = input.weight().dtype();
    Tensor x = xt.dtype() == dtype ? xt : xt.to(dtype);
    Tensor temb;
    if (timeIn == null) {
      temb = timeEmbedding.forward(t);
    } else {
      temb = timeOut.forward(timeIn.forward(timeEmbedding.forward(t, dtype)).silu());
    }
    Tensor h = input.forward(x).add(temb);
    if (classEmbedding != null) {
      h = h.add(classEmbedding.forward(labels(y, b)));
    } else if (y != null) {
      throw new IllegalArgumentException(
          "MlpDenoiser.predict: labels of shape "
              + Arrays.toString(y.shape())
              + " given to an unconditional model (numClasses = 0)");
    }
    h = h.silu();
    for (Linear layer : hiddenLayers) {
      h = layer.forward(h).silu();
    }
    return output.forward(h);
  }

  /** Labels as INT64, with null meaning "no label" (row numClasses) for every sample. */
  private Tensor labels(Tensor y, long b) {
    int k = config.numClasses();
    if (y == null) {
      return Tensor.full(k, DType.INT64, b);
    }
    if (y.dim() != 1 || y.shape()[0] != b) {
      throw new IllegalArgumentException(
          "MlpDenoiser.predict: labels shape "
              + Arrays.toString(y.shape())
              + " does not match batch "
              + b);
    }
    if (y.dtype() != DType.INT64 && y.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          "MlpDenoiser.predict: labels must be an integer tensor, got " + y.dtype());
    }
    for (long v : y.toLongArray()) {
      if (v < 0 || v > k) {
        throw new IllegalArgumentException(
            "MlpDenoiser.predict: label " + v + " outside [0, " + k + "] (" + k + " = no label)");
      }
    }
    return y;
  }

  @Override
  public String extraRepr() {
    return config.toString();
  }
}
