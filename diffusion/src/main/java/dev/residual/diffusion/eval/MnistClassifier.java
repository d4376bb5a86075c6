package dev.residual.diffusion.eval;

import dev.residual.diffusion.Classifier;
import dev.residual.diffusion.models.TimeEmbedding;
import dev.residual.io.SafeTensors;
import dev.residual.nn.Conv2d;
import dev.residual.nn.GroupNorm;
import dev.residual.nn.Linear;
import dev.residual.nn.Module;
import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small CNN classifier of MNIST-like images {@code [B, 1, H, W]} in {@code [−1, 1]} (any {@code
 * H, W} >= 4, typically 28 or 32), optionally conditioned on the diffusion timestep so that it can
 * classify noisy {@code x_t} for classifier guidance.
 *
 * <p>With {@code c1 = width}, {@code c2 = 2·width}, {@code E = timeEmbedDim} and {@code F =
 * features}:
 *
 * <ol>
 *   <li>conv 3x3 {@code [B, 1, H, W] → [B, c1, H, W]}, GELU;
 *   <li>conv 3x3 stride 2 {@code → [B, c1, H/2, W/2]}, GroupNorm, GELU; time-conditioned: plus
 *       {@code Linear(E, c1)(temb)} per channel;
 *   <li>conv 3x3 {@code → [B, c2, H/2, W/2]}, GELU;
 *   <li>conv 3x3 stride 2 {@code → [B, c2, H/4, W/4]}, GroupNorm, GELU; time-conditioned: plus
 *       {@code Linear(E, c2)(temb)} per channel;
 *   <li>global average pool {@code → [B, c2]};
 *   <li>Linear {@code c2 → F}, GELU: the penultimate features {@code [B, F]} ({@link #features});
 *   <li>Linear {@code F → 10}: the logits {@code [B, 10]} ({@link #logits}).
 * </ol>
 *
 * <p>(Sizes {@code H/2} are rounded up, as a 3x3 stride-2 convolution with padding 1 does.) The
 * time embedding is {@code temb = Linear(E, E)(GELU(Linear(E, E)(sinusoidal_E(t))))} {@code [B,
 * E]}.
 *
 * <p>The network is deliberately small: Residual's conv2d is im2col plus one BLAS call per sample,
 * and the judge has to classify tens of thousands of images. The activation is exact GELU, whose
 * vectorised kernel keeps its derivative for backward; GELU is smooth, like SiLU, so gradients for
 * classifier guidance stay smooth too.
 */
public final class MnistClassifier extends Module implements Classifier {
  /** The number of classes (digits). */
  public static final int CLASSES = 10;

  /**
   * The architecture.
   *
   * @param width channels {@code c1} of the first two convolutions (the last two have {@code
   *     2·width})
   * @param features width {@code F} of the penultimate layer
   * @param numGroups GroupNorm groups; must divide {@code width}
   * @param timeConditioned whether the classifier takes the diffusion timestep
   * @param timeEmbedDim width {@code E} of the time embedding (even; ignored when not
   *     time-conditioned)
   */
  public record Config(
      int width, int features, int numGroups, boolean timeConditioned, int timeEmbedDim) {
    /**
     * Validates the sizes.
     *
     * @throws IllegalArgumentException if a size is not positive, {@code numGroups} does not divide
     *     {@code width}, or (time-conditioned) {@code timeEmbedDim} is odd
     */
    public Config {
      if (width <= 0 || features <= 0 || numGroups <= 0) {
        throw new IllegalArgumentException(
            "MnistClassifier.Config: width, features and numGroups must be positive, got "
                + width
                + ", "
                + features
                + ", "
                + numGroups);
      }
      if (width % numGroups != 0) {
        throw new IllegalArgumentException(
            "MnistClassifier.Config: numGroups " + numGroups + " does not divide width " + width);
      }
      if (timeConditioned && (timeEmbedDim <= 0 || timeEmbedDim % 2 != 0)) {
        throw new IllegalArgumentException(
            "MnistClassifier.Config: timeEmbedDim must be a positive even number, got "
                + timeEmbedDim);
      }
    }

    /** The clean judge: width 32, 128 features, 8 groups, no time input. */
    public static Config clean() {
      return new Config(32, 128, 8, false, 0);
    }

    /** The noisy classifier for guidance: as {@link #clean()} plus a 128-wide time embedding. */
    public static Config noisy() {
      return new Config(32, 128, 8, true, 128);
    }

    Map<String, String> toMetadata() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("model", "MnistClassifier");
      m.put("width", Integer.toString(width));
      m.put("features", Integer.toString(features));
      m.put("num_groups", Integer.toString(numGroups));
      m.put("time_conditioned", Boolean.toString(timeConditioned));
      m.put("time_embed_dim", Integer.toString(timeEmbedDim));
      return m;
    }

    static Config fromMetadata(Path path, Map<String, String> m) {
      if (!"MnistClassifier".equals(m.get("model"))) {
        throw new IllegalArgumentException(
            "MnistClassifier.load: " + path + " holds no MnistClassifier (metadata " + m + ")");
      }
      try {
        return new Config(
            Integer.parseInt(m.get("width")),
            Integer.parseInt(m.get("features")),
            Integer.parseInt(m.get("num_groups")),
            Boolean.parseBoolean(m.get("time_conditioned")),
            Integer.parseInt(m.get("time_embed_dim")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "MnistClassifier.load: bad config in the metadata of " + path + ": " + m, e);
      }
    }
  }

  private final Config config;
  private final Conv2d conv1;
  private final Conv2d conv2;
  private final GroupNorm norm2;
  private final Conv2d conv3;
  private final Conv2d conv4;
  private final GroupNorm norm4;
  private final Linear fc;
  private final Linear head;
  private final Linear timeFc1;
  private final Linear timeFc2;
  private final Linear timeTo2;
  private final Linear timeTo4;

  /**
   * Builds the network with parameters drawn from {@code g}.
   *
   * @throws IllegalArgumentException if {@code config} is null
   */
  public MnistClassifier(Config config, Generator g) {
    if (config == null) {
      throw new IllegalArgumentException("MnistClassifier: config must not be null");
    }
    this.config = config;
    int c1 = config.width();
    int c2 = 2 * config.width();
    int groups = config.numGroups();
    conv1 = registerModule("conv1", new Conv2d(1, c1, 3, 1, 1, g));
    conv2 = registerModule("conv2", new Conv2d(c1, c1, 3, 2, 1, g));
    norm2 = registerModule("norm2", new GroupNorm(groups, c1));
    conv3 = registerModule("conv3", new Conv2d(c1, c2, 3, 1, 1, g));
    conv4 = registerModule("conv4", new Conv2d(c2, c2, 3, 2, 1, g));
    norm4 = registerModule("norm4", new GroupNorm(groups, c2));
    fc = registerModule("fc", new Linear(c2, config.features(), g));
    head = registerModule("head", new Linear(config.features(), CLASSES, g));
    if (config.timeConditioned()) {
      int e = config.timeEmbedDim();
      timeFc1 = registerModule("time_fc1", new Linear(e, e, g));
      timeFc2 = registerModule("time_fc2", new Linear(e, e, g));
      timeTo2 = registerModule("time_to2", new Linear(e, c1, g));
      timeTo4 = registerModule("time_to4", new Linear(e, c2, g));
    } else {
      timeFc1 = null;
      timeFc2 = null;
      timeTo2 = null;
      timeTo4 = null;
    }
  }

  /** The architecture. */
  public Config config() {
    return config;
  }

  /** Whether {@link #logits} and {@link #features} need timesteps. */
  public boolean isTimeConditioned() {
    return config.timeConditioned();
  }

  /**
   * Class scores.
   *
   * @param x images {@code [B, 1, H, W]} in {@code [−1, 1]} (floating point; may require grad)
   * @param t timesteps {@code [B]} (integer); required when time-conditioned, ignored (and may be
   *     null) otherwise
   * @return logits {@code [B, 10]}, differentiable with respect to {@code x}
   * @throws IllegalArgumentException if {@code x} is not {@code [B, 1, H, W]} with {@code H, W >=
   *     4}, or the classifier is time-conditioned and {@code t} is null or not {@code [B]}
   */
  @Override
  public Tensor logits(Tensor x, Tensor t) {
    return head.forward(features(x, t));
  }

  /**
   * The penultimate features (after the last GELU), as used by the Fréchet distance.
   *
   * @param x images {@code [B, 1, H, W]}
   * @param t timesteps {@code [B]} or null, as in {@link #logits}
   * @return {@code [B, F]}
   * @throws IllegalArgumentException as {@link #logits}
   */
  public Tensor features(Tensor x, Tensor t) {
    long[] s = x.shape();
    if (s.length != 4 || s[1] != 1 || s[2] < 4 || s[3] < 4) {
      throw new IllegalArgumentException(
          "MnistClassifier: expected images [B, 1, H, W] with H, W >= 4, got "
              + Arrays.toString(s));
    }
    Tensor temb = null;
    if (config.timeConditioned()) {
      if (t == null) {
        throw new IllegalArgumentException(
            "MnistClassifier: this classifier is time-conditioned; timesteps ["
                + s[0]
                + "] are required for images "
                + Arrays.toString(s));
      }
      if (t.dim() != 1 || t.size(0) != s[0]) {
        throw new IllegalArgumentException(
            "MnistClassifier: expected timesteps ["
                + s[0]
                + "] for images "
                + Arrays.toString(s)
                + ", got "
                + Arrays.toString(t.shape()));
      }
      Tensor sin = TimeEmbedding.sinusoidal(t, config.timeEmbedDim(), x.dtype());
      temb = F.gelu(timeFc2.forward(F.gelu(timeFc1.forward(sin))));
    }
    Tensor h = F.gelu(conv1.forward(x));
    h = F.gelu(norm2.forward(conv2.forward(h)));
    if (temb != null) {
      h = h.add(perChannel(timeTo2.forward(temb)));
    }
    h = F.gelu(conv3.forward(h));
    h = F.gelu(norm4.forward(conv4.forward(h)));
    if (temb != null) {
      h = h.add(perChannel(timeTo4.forward(temb)));
    }
    Tensor pooled = h.mean(new int[] {2, 3}, false); // [B, c2]
    return F.gelu(fc.forward(pooled));
  }

  private static Tensor perChannel(Tensor v) {
    return v.reshape(v.size(0), v.size(1), 1, 1);
  }

  /**
   * Saves the state dict and the {@link Config} (as safetensors metadata) to {@code path}.
   *
   * @throws IOException if the file cannot be written
   */
  public void save(Path path) throws IOException {
    SafeTensors.write(path, stateDict(), config.toMetadata());
  }

  /**
   * Loads a classifier written by {@link #save}.
   *
   * @throws IOException if the file is missing or not a valid safetensors file
   * @throws IllegalArgumentException if its metadata does not describe a MnistClassifier or its
   *     tensors do not match that architecture
   */
  public static MnistClassifier load(Path path) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(path);
    Config config = Config.fromMetadata(path, c.metadata());
    MnistClassifier model = new MnistClassifier(config, new Generator(0));
    model.loadStateDict(c.tensors(), true);
    return model;
  }

  @Override
  public String extraRepr() {
    return config.toString();
  }
}
