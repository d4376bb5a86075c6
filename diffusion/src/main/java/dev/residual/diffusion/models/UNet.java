package dev.residual.diffusion.models;

import dev.residual.diffusion.Denoiser;
import dev.residual.nn.Conv2d;
import dev.residual.nn.Dropout;
import dev.residual.nn.Embedding;
import dev.residual.nn.GroupNorm;
import dev.residual.nn.Linear;
import dev.residual.nn.Module;
import dev.residual.nn.functional.F;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The DDPM U-Net (Ho et al. 2020, as in their reference implementation) for images {@code [B, C, H,
 * W]}, predicting a tensor of the input's shape.
 *
 * <p>Notation: {@code L = channelMults.length} levels; level {@code l} runs at resolution {@code
 * [H/2^l, W/2^l]} with {@code c_l = base·channelMults[l]} channels; {@code E = 4·base} is the width
 * of the time embedding. Stages and shapes:
 *
 * <ol>
 *   <li>time: sinusoidal embedding of {@code t [B]} → {@code [B, base]} → Linear → SiLU → Linear →
 *       {@code temb [B, E]}; if the model is class-conditional, {@code Embedding(numClasses + 1,
 *       E)(y)} is added (the last row means "no label", used when {@code y} is null and for
 *       classifier-free guidance).
 *   <li>input conv 3x3: {@code [B, C, H, W]} → {@code [B, base, H, W]}; <b>push</b>.
 *   <li>down path, for each level {@code l}: {@code numResBlocks} residual blocks (each followed by
 *       self-attention if {@code l} is an attention level) {@code [B, c_{l-1}, H/2^l, W/2^l]} →
 *       {@code [B, c_l, H/2^l, W/2^l]}, <b>push</b> after each; then, except at the last level, a
 *       strided 3x3 conv {@code [B, c_l, H/2^l, W/2^l]} → {@code [B, c_l, H/2^(l+1), W/2^(l+1)]},
 *       <b>push</b>.
 *   <li>middle, at {@code [B, c_{L-1}, H/2^(L-1), W/2^(L-1)]}: residual block, self-attention (if
 *       {@code midAttention}), residual block; shape unchanged.
 *   <li>up path, for each level {@code l} from {@code L-1} down to 0: {@code numResBlocks + 1}
 *       residual blocks, each of which first <b>pops</b> a skip and concatenates it on channels
 *       ({@code [B, c + c_skip, H/2^l, W/2^l]} → {@code [B, c_l, H/2^l, W/2^l]}), each followed by
 *       self-attention at attention levels; then, except at level 0, nearest ×2 upsampling and a
 *       3x3 conv {@code [B, c_l, H/2^l, W/2^l]} → {@code [B, c_l, H/2^(l-1), W/2^(l-1)]}.
 *   <li>output: GroupNorm → SiLU → conv 3x3 {@code [B, base, H, W]} → {@code [B, C, H, W]}.
 * </ol>
 *
 * <p><b>Every skip is used.</b> The down path pushes {@code 1 + L·numResBlocks + (L−1)} activations
 * (input conv, every residual block, every downsample) and the up path pops {@code L·(numResBlocks
 * + 1)}: the same number, so the stack is empty at the end. The constructor and every forward pass
 * check this and throw {@link IllegalStateException} otherwise (some reference U-Nets silently drop
 * a skip).
 *
 * <p>Differences from the reference, on purpose: the output conv keeps PyTorch's default
 * initialisation instead of zeros (zeros would give every other parameter a zero gradient on the
 * first step); attention is single-head with a fused q/k/v {@link Linear} over the {@code H·W}
 * positions (equal in parameters to DDPM's 1x1 convolutions).
 */
public final class UNet extends Module implements Denoiser {
  private final Config config;
  private final int inChannels;
  private final int baseChannels;
  private final int[] channelMults;
  private final int numResBlocks;
  private final int numClasses;
  private final int timeEmbedDim;

  private final Linear timeFc1;
  private final Linear timeFc2;
  private final Embedding classEmbed;
  private final Conv2d inConv;
  private final List<Module> downBlocks = new ArrayList<>();
  private final List<Module> middleBlocks = new ArrayList<>();
  private final List<Module> upBlocks = new ArrayList<>();
  private final GroupNorm outNorm;
  private final Conv2d outConv;

  private int lastPushes;
  private int lastPops;

  /**
   * Hyperparameters of a {@link UNet}.
   *
   * @param inChannels image channels {@code C} (input and output)
   * @param baseChannels channels after the input conv; even (the sinusoidal embedding has this
   *     width)
   * @param channelMults one multiplier per level; level {@code l} has {@code base·channelMults[l]}
   *     channels
   * @param numResBlocks residual blocks per level on the down path (the up path has one more)
   * @param attentionLevels levels (indices into {@code channelMults}) that get self-attention after
   *     each residual block, e.g. {@code {1}} for 16x16 in a 32x32 model (empty for none)
   * @param midAttention whether the middle has self-attention between its two residual blocks
   * @param numGroups GroupNorm groups; must divide every channel count
   * @param dropout dropout probability inside residual blocks
   * @param numClasses number of classes for a class-conditional model, or 0 for unconditional
   */
  public record Config(
      int inChannels,
      int baseChannels,
      int[] channelMults,
      int numResBlocks,
      int[] attentionLevels,
      boolean midAttention,
      int numGroups,
      double dropout,
      int numClasses) {
    /**
     * Validates and copies the arrays (a null {@code attentionLevels} means none).
     *
     * @throws IllegalArgumentException if a size is not positive, {@code baseChannels} is odd, an
     *     attention level is out of range, {@code numGroups} does not divide a channel count, or
     *     {@code dropout} is outside {@code [0, 1)}
     */
    public Config {
      if (inChannels <= 0 || baseChannels <= 0 || numResBlocks <= 0 || numGroups <= 0) {
        throw new IllegalArgumentException(
            "UNet: inChannels, baseChannels, numResBlocks and numGroups must be positive, got "
                + inChannels
                + ", "
                + baseChannels
                + ", "
                + numResBlocks
                + ", "
                + numGroups);
      }
      if (baseChannels % 2 != 0) {
        throw new IllegalArgumentException(
            "UNet: baseChannels must be even (sinusoidal embedding width), got " + baseChannels);
      }
      if (channelMults == null || channelMults.length == 0) {
        throw new IllegalArgumentException("UNet: channelMults must have at least one level");
      }
      for (int m : channelMults) {
        if (m <= 0) {
          throw new IllegalArgumentException(
              "UNet: channel multipliers must be positive, got " + Arrays.toString(channelMults));
        }
        if ((baseChannels * m) % numGroups != 0) {
          throw new IllegalArgumentException(
              "UNet: numGroups "
                  + numGroups
                  + " does not divide "
                  + baseChannels * m
                  + " channels (base "
                  + baseChannels
                  + ", multipliers "
                  + Arrays.toString(channelMults)
                  + ")");
        }
      }
      if (baseChannels % numGroups != 0) {
        throw new IllegalArgumentException(
            "UNet: numGroups " + numGroups + " does not divide base channels " + baseChannels);
      }
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("UNet: dropout must be in [0, 1), got " + dropout);
      }
      if (numClasses < 0) {
        throw new IllegalArgumentException("UNet: numClasses must be >= 0, got " + numClasses);
      }
      attentionLevels = attentionLevels == null ? new int[0] : attentionLevels.clone();
      for (int a : attentionLevels) {
        if (a < 0 || a >= channelMults.length) {
          throw new IllegalArgumentException(
              "UNet: attention level " + a + " is outside [0, " + channelMults.length + ")");
        }
      }
      channelMults = channelMults.clone();
    }

    /** A copy of the channel multipliers. */
    @Override
    public int[] channelMults() {
      return channelMults.clone();
    }

    /** A copy of the attention levels. */
    @Override
    public int[] attentionLevels() {
      return attentionLevels.clone();
    }

    /** Equal when every field is, comparing the arrays by content. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Config c
          && inChannels == c.inChannels
          && baseChannels == c.baseChannels
          && Arrays.equals(channelMults, c.channelMults)
          && numResBlocks == c.numResBlocks
          && Arrays.equals(attentionLevels, c.attentionLevels)
          && midAttention == c.midAttention
          && numGroups == c.numGroups
          && Double.compare(dropout, c.dropout) == 0
          && numClasses == c.numClasses;
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
      return Objects.hash(
          inChannels,
          baseChannels,
          Arrays.hashCode(channelMults),
          numResBlocks,
          Arrays.hashCode(attentionLevels),
          midAttention,
          numGroups,
          dropout,
          numClasses);
    }

    /** The fields, arrays written out. */
    @Override
    public String toString() {
      return "UNet.Config[inChannels="
          + inChannels
          + ", baseChannels="
          + baseChannels
          + ", channelMults="
          + Arrays.toString(channelMults)
          + ", numResBlocks="
          + numResBlocks
          + ", attentionLevels="
          + Arrays.toString(attentionLevels)
          + ", midAttention="
          + midAttention
          + ", numGroups="
          + numGroups
          + ", dropout="
          + dropout
          + ", numClasses="
          + numClasses
          + "]";
    }
  }

  /**
   * Builds the network (parameters drawn from {@code g}); the arguments are those of {@link
   * Config}.
   *
   * @param g the generator for initialisation and dropout
   * @throws IllegalArgumentException as {@link Config}
   */
  public UNet(
      int inChannels,
      int baseChannels,
      int[] channelMults,
      int numResBlocks,
      int[] attentionLevels,
      boolean midAttention,
      int numGroups,
      double dropout,
      int numClasses,
      Generator g) {
    this(
        new Config(
            inChannels,
            baseChannels,
            channelMults,
            numResBlocks,
            attentionLevels,
            midAttention,
            numGroups,
            dropout,
            numClasses),
        g);
  }

  /**
   * Builds the network for {@code config} (parameters drawn from {@code g}).
   *
   * @param config the hyperparameters (already validated)
   * @param g the generator for initialisation and dropout
   * @throws IllegalArgumentException if {@code config} is null
   */
  public UNet(Config config, Generator g) {
    if (config == null) {
      throw new IllegalArgumentException("UNet: config is required");
    }
    this.config = config;
    int inChannels = config.inChannels();
    int baseChannels = config.baseChannels();
    int[] channelMults = config.channelMults();
    int numResBlocks = config.numResBlocks();
    int[] attentionLevels = config.attentionLevels();
    boolean midAttention = config.midAttention();
    int numGroups = config.numGroups();
    double dropout = config.dropout();
    int numClasses = config.numClasses();
    int levels = channelMults.length;
    boolean[] attn = new boolean[levels];
    for (int a : attentionLevels) {
      attn[a] = true;
    }
    this.inChannels = inChannels;
    this.baseChannels = baseChannels;
    this.channelMults = channelMults.clone();
    this.numResBlocks = numResBlocks;
    this.numClasses = numClasses;
    this.timeEmbedDim = 4 * baseChannels;

    timeFc1 = registerModule("time_fc1", new Linear(baseChannels, timeEmbedDim, g));
    timeFc2 = registerModule("time_fc2", new Linear(timeEmbedDim, timeEmbedDim, g));
    classEmbed =
        numClasses > 0
            ? registerModule("class_embed", new Embedding(numClasses + 1, timeEmbedDim, g))
            : null;
    inConv =
        registerModule("in_conv", new Conv2d(inChannels, baseChannels, 3, 1, 1, 1, 1, true, g));

    // Channel counts of the skips, in push order, so the up path knows its input widths.
    Deque<Integer> skips = new ArrayDeque<>();
    skips.push(baseChannels);
    int ch = baseChannels;
    for (int l = 0; l < levels; l++) {
      int out = baseChannels * channelMults[l];
      for (int r = 0; r < numResBlocks; r++) {
        addDown(
            "down" + l + "_res" + r, new ResBlock(ch, out, timeEmbedDim, numGroups, dropout, g));
        ch = out;
        if (attn[l]) {
          addDown("down" + l + "_attn" + r, new AttentionBlock(ch, numGroups, g));
        }
        skips.push(ch);
      }
      if (l != levels - 1) {
        addDown("down" + l + "_downsample", new Downsample(ch, g));
        skips.push(ch);
      }
    }
    addMiddle("mid_res0", new ResBlock(ch, ch, timeEmbedDim, numGroups, dropout, g));
    if (midAttention) {
      addMiddle("mid_attn", new AttentionBlock(ch, numGroups, g));
    }
    addMiddle("mid_res1", new ResBlock(ch, ch, timeEmbedDim, numGroups, dropout, g));
    for (int l = levels - 1; l >= 0; l--) {
      int out = baseChannels * channelMults[l];
      for (int r = 0; r < numResBlocks + 1; r++) {
        int skip = skips.pop();
        ResBlock block = new ResBlock(ch + skip, out, timeEmbedDim, numGroups, dropout, g);
        block.popsSkip = true;
        addUp("up" + l + "_res" + r, block);
        ch = out;
        if (attn[l]) {
          addUp("up" + l + "_attn" + r, new AttentionBlock(ch, numGroups, g));
        }
      }
      if (l != 0) {
        addUp("up" + l + "_upsample", new Upsample(ch, g));
      }
    }
    checkSkipsConsumed(1 + levels * numResBlocks + levels - 1, levels * (numResBlocks + 1));
    outNorm = registerModule("out_norm", new GroupNorm(numGroups, ch));
    outConv = registerModule("out_conv", new Conv2d(ch, inChannels, 3, 1, 1, 1, 1, true, g));
  }

  private void addDown(String name, Module m) {
    downBlocks.add(registerModule(name, m));
  }

  private void addMiddle(String name, Module m) {
    middleBlocks.add(registerModule(name, m));
  }

  private void addUp(String name, Module m) {
    upBlocks.add(registerModule(name, m));
  }

  /**
   * Throws unless as many skips were popped as pushed.
   *
   * @throws IllegalStateException if {@code pushes != pops}, naming both counts
   */
  static void checkSkipsConsumed(int pushes, int pops) {
    if (pushes != pops) {
      throw new IllegalStateException(
          "UNet: skip connections pushed "
              + pushes
              + " but popped "
              + pops
              + "; every skip must be consumed exactly once");
    }
  }

  /**
   * Predicts for noisy images; see {@link #forward}. Call {@link #eval()} before sampling so that
   * dropout is off.
   *
   * @throws IllegalArgumentException as {@link #forward}
   */
  @Override
  public Tensor predict(Tensor xt, Tensor t, Tensor y) {
    return forward(xt, t, y);
  }

  /**
   * Runs the network.
   *
   * @param x noisy images {@code [B, C, H, W]} (floating point), {@code H} and {@code W} divisible
   *     by {@code 2^(L-1)}
   * @param t integer timesteps {@code [B]}
   * @param y class labels {@code [B]} in {@code [0, numClasses]} ({@code numClasses} = no label),
   *     or null (no label for a conditional model); must be null for an unconditional model
   * @return {@code [B, C, H, W]}
   * @throws IllegalArgumentException if {@code x} is not {@code [B, C, H, W]} with this model's
   *     {@code C}, the sizes are not divisible by {@code 2^(L-1)}, {@code t} or {@code y} is not
   *     {@code [B]}, or labels are given to an unconditional model
   */
  public Tensor forward(Tensor x, Tensor t, Tensor y) {
    long[] s = x.shape();
    if (s.length != 4 || s[1] != inChannels) {
      throw new IllegalArgumentException(
          "UNet: expected x [B, " + inChannels + ", H, W], got " + Arrays.toString(s));
    }
    int factor = 1 << (channelMults.length - 1);
    if (s[2] % factor != 0 || s[3] % factor != 0) {
      throw new IllegalArgumentException(
          "UNet: height and width of x "
              + Arrays.toString(s)
              + " must be divisible by 2^(levels-1) = "
              + factor
              + " ("
              + channelMults.length
              + " levels)");
    }
    long batch = s[0];
    if (t == null || t.shape().length != 1 || t.shape()[0] != batch) {
      throw new IllegalArgumentException(
          "UNet: expected t ["
              + batch
              + "] for x "
              + Arrays.toString(s)
              + ", got "
              + (t == null ? "null" : Arrays.toString(t.shape())));
    }
    if (y != null && classEmbed == null) {
      throw new IllegalArgumentException(
          "UNet: labels y " + Arrays.toString(y.shape()) + " given to an unconditional model");
    }
    if (y != null && (y.shape().length != 1 || y.shape()[0] != batch)) {
      throw new IllegalArgumentException(
          "UNet: expected y ["
              + batch
              + "] for x "
              + Arrays.toString(s)
              + ", got "
              + Arrays.toString(y.shape()));
    }

    Tensor temb = sinusoidal(t, baseChannels, x.dtype()); // [B, base]
    temb = timeFc2.forward(F.silu(timeFc1.forward(temb))); // [B, E]
    if (classEmbed != null) {
      Tensor labels = y != null ? y : Tensor.full(numClasses, DType.INT64, batch);
      temb = temb.add(classEmbed.forward(labels));
    }

    Deque<Tensor> skips = new ArrayDeque<>();
    int pushes = 0;
    int pops = 0;
    Tensor h = inConv.forward(x);
    skips.push(h);
    pushes++;
    for (Module m : downBlocks) {
      h = apply(m, h, temb);
      if (!(m instanceof AttentionBlock)) {
        // An attention block follows its residual block; the pair's output is the skip.
        skips.push(h);
        pushes++;
      } else {
        skips.pop();
        skips.push(h);
      }
    }
    for (Module m : middleBlocks) {
      h = apply(m, h, temb);
    }
    for (Module m : upBlocks) {
      if (m instanceof ResBlock && ((ResBlock) m).popsSkip) {
        if (skips.isEmpty()) {
          throw new IllegalStateException("UNet: skip stack empty after " + pops + " pops");
        }
        h = Tensor.cat(1, h, skips.pop());
        pops++;
      }
      h = apply(m, h, temb);
    }
    if (!skips.isEmpty()) {
      throw new IllegalStateException(
          "UNet: " + skips.size() + " skip connections left unused after the up path");
    }
    checkSkipsConsumed(pushes, pops);
    lastPushes = pushes;
    lastPops = pops;
    return outConv.forward(F.silu(outNorm.forward(h)));
  }

  private static Tensor apply(Module m, Tensor h, Tensor temb) {
    if (m instanceof ResBlock) {
      return ((ResBlock) m).forward(h, temb);
    } else if (m instanceof AttentionBlock) {
      return ((AttentionBlock) m).forward(h);
    } else if (m instanceof Downsample) {
      return ((Downsample) m).forward(h);
    } else {
      return ((Upsample) m).forward(h);
    }
  }

  /** Skips pushed on the down path of the last forward pass (for tests). */
  int lastPushes() {
    return lastPushes;
  }

  /** Skips popped on the up path of the last forward pass (for tests). */
  int lastPops() {
    return lastPops;
  }

  /** The hyperparameters this network was built from. */
  public Config config() {
    return config;
  }

  /** Number of levels {@code L}. */
  public int levels() {
    return channelMults.length;
  }

  /** Residual blocks per level on the down path. */
  public int numResBlocks() {
    return numResBlocks;
  }

  /** Number of classes of a conditional model (its "no label" index), or 0. */
  public int numClasses() {
    return numClasses;
  }

  /**
   * The transformer-style sinusoidal embedding of timesteps: for {@code i < dim/2}, with {@code f_i
   * = exp(−ln(10000)·i/(dim/2))}, column {@code i} is {@code sin(t·f_i)} and column {@code dim/2 +
   * i} is {@code cos(t·f_i)}. Not differentiable (timesteps are integers).
   *
   * @param t timesteps {@code [B]} (any numeric dtype)
   * @return {@code [B, dim]} in {@code dtype}
   */
  static Tensor sinusoidal(Tensor t, int dim, DType dtype) {
    return TimeEmbedding.sinusoidal(t, dim, dtype);
  }

  // ---------------------------------------------------------------- blocks

  /**
   * Residual block {@code [B, in, h, w]} → {@code [B, out, h, w]}: {@code skip(x) + conv2(dropout(
   * SiLU(GN(conv1(SiLU(GN(x))) + Linear(SiLU(temb))[:, :, None, None]))))}, {@code skip} a 1x1 conv
   * when {@code in != out}, else the identity.
   */
  static final class ResBlock extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear tembProj;
    private final GroupNorm norm2;
    private final Dropout dropout;
    private final Conv2d conv2;
    private final Conv2d skip;

    /** Whether this block first concatenates a popped skip onto its input (up path only). */
    private boolean popsSkip;

    /** The UNet constructor has checked that {@code groups} divides {@code in} and {@code out}. */
    ResBlock(int in, int out, int tembDim, int groups, double p, Generator g) {
      norm1 = registerModule("norm1", new GroupNorm(groups, in));
      conv1 = registerModule("conv1", new Conv2d(in, out, 3, 1, 1, 1, 1, true, g));
      tembProj = registerModule("temb_proj", new Linear(tembDim, out, g));
      norm2 = registerModule("norm2", new GroupNorm(groups, out));
      dropout = registerModule("dropout", new Dropout(p, g));
      conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, 1, 1, true, g));
      skip = in != out ? registerModule("skip", new Conv2d(in, out, 1, 1, 0, 1, 1, true, g)) : null;
    }

    /** {@code x [B, in, h, w]}, {@code temb [B, E]} → {@code [B, out, h, w]}. */
    Tensor forward(Tensor x, Tensor temb) {
      Tensor h = conv1.forward(F.silu(norm1.forward(x)));
      Tensor e = tembProj.forward(F.silu(temb)); // [B, out]
      h = h.add(e.reshape(e.size(0), e.size(1), 1, 1));
      h = conv2.forward(dropout.forward(F.silu(norm2.forward(h))));
      return (skip != null ? skip.forward(x) : x).add(h);
    }
  }

  /**
   * Single-head self-attention over the {@code h·w} positions, {@code [B, c, h, w]} → same: {@code
   * x + proj(attention(q, k, v))} with {@code q, k, v} from one Linear on {@code GN(x)} viewed as
   * {@code [B, h·w, c]}, scores scaled by {@code 1/√c}.
   */
  static final class AttentionBlock extends Module {
    private final GroupNorm norm;
    private final Linear qkv;
    private final Linear proj;

    AttentionBlock(int channels, int groups, Generator g) {
      norm = registerModule("norm", new GroupNorm(groups, channels));
      qkv = registerModule("qkv", new Linear(channels, 3L * channels, g));
      proj = registerModule("proj", new Linear(channels, channels, g));
    }

    /** {@code x [B, c, h, w]} → {@code [B, c, h, w]}. */
    Tensor forward(Tensor x) {
      long b = x.size(0);
      long c = x.size(1);
      long hh = x.size(2);
      long ww = x.size(3);
      Tensor seq = norm.forward(x).reshape(b, c, hh * ww).transpose(1, 2); // [B, hw, c]
      // selfAttention equals split into q | k | v followed by F.scaledDotProductAttention.
      Tensor a = F.selfAttention(qkv.forward(seq), 1, false, null); // [B, hw, c]
      Tensor out = proj.forward(a).transpose(1, 2).reshape(b, c, hh, ww);
      return x.add(out);
    }
  }

  /** Strided 3x3 conv, {@code [B, c, h, w]} → {@code [B, c, h/2, w/2]}. */
  static final class Downsample extends Module {
    private final Conv2d conv;

    Downsample(int channels, Generator g) {
      conv = registerModule("conv", new Conv2d(channels, channels, 3, 2, 1, 1, 1, true, g));
    }

    /** {@code x [B, c, h, w]} → {@code [B, c, h/2, w/2]} (rounded up). */
    Tensor forward(Tensor x) {
      return conv.forward(x);
    }
  }

  /** Nearest ×2 then a 3x3 conv, {@code [B, c, h, w]} → {@code [B, c, 2h, 2w]}. */
  static final class Upsample extends Module {
    private final Conv2d conv;

    Upsample(int channels, Generator g) {
      conv = registerModule("conv", new Conv2d(channels, channels, 3, 1, 1, 1, 1, true, g));
    }

    /** {@code x [B, c, h, w]} → {@code [B, c, 2h, 2w]}. */
    Tensor forward(Tensor x) {
      return conv.forward(F.interpolate(x, 2));
    }
  }
}
