package dev.residual.nn.functional;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Conv;
import dev.residual.tensor.internal.Dropout;
import dev.residual.tensor.internal.Einsum;
import dev.residual.tensor.internal.Index;
import dev.residual.tensor.internal.LinAlg;
import dev.residual.tensor.internal.Losses;
import dev.residual.tensor.internal.NNOps;
import dev.residual.tensor.internal.Norms;
import dev.residual.tensor.internal.Pool;

/**
 * Stateless neural-network functions, as PyTorch's {@code torch.nn.functional}: activations,
 * softmax, losses, normalisation, convolution, pooling, attention and einsum. Every function is an
 * autograd op; layers in {@code dev.residual.nn} wrap them.
 *
 * <p>Floating-point inputs are required where the math needs them; an integer tensor gives an
 * {@link IllegalArgumentException} naming the function.
 */
public final class F {
  private F() {}

  /** How per-element losses are combined. */
  public enum Reduction {
    /** Mean over the counted elements. */
    MEAN,
    /** Sum over all elements. */
    SUM,
    /** Per-element losses, shaped like the target. */
    NONE;

    NNOps.Reduction internal() {
      return NNOps.Reduction.valueOf(name());
    }
  }

  /** PyTorch's default ignore index for cross-entropy. */
  public static final int DEFAULT_IGNORE_INDEX = -100;

  // ---------------------------------------------------------------- activations

  /** {@code max(x, 0)}. */
  public static Tensor relu(Tensor x) {
    return x.relu();
  }

  /** Exact (erf) GELU. */
  public static Tensor gelu(Tensor x) {
    return x.gelu();
  }

  /** GPT-2's tanh-approximated GELU. */
  public static Tensor geluTanh(Tensor x) {
    return x.geluTanh();
  }

  /** SiLU {@code x * sigmoid(x)}. */
  public static Tensor silu(Tensor x) {
    return x.silu();
  }

  /** Logistic sigmoid. */
  public static Tensor sigmoid(Tensor x) {
    return x.sigmoid();
  }

  /** Hyperbolic tangent. */
  public static Tensor tanh(Tensor x) {
    return x.tanh();
  }

  /** Softplus {@code log(1 + e^x)} (linear above 20, as PyTorch's default threshold). */
  public static Tensor softplus(Tensor x) {
    return x.softplus();
  }

  /**
   * Softmax along {@code dim}, computed stably (finite for logits of ±1e4); a row that is all
   * {@code -inf} gives zeros.
   */
  public static Tensor softmax(Tensor x, int dim) {
    return NNOps.softmax(x, dim);
  }

  /** Log-softmax along {@code dim}, computed stably. */
  public static Tensor logSoftmax(Tensor x, int dim) {
    return NNOps.logSoftmax(x, dim);
  }

  // ---------------------------------------------------------------- losses

  /**
   * Mean cross-entropy of logits {@code [N, C]} or {@code [B, T, C]} against integer targets {@code
   * [N]} or {@code [B, T]}; targets of -100 are ignored.
   *
   * <p>Classes are the <b>last</b> dim (nanoGPT's layout; PyTorch puts them in dim 1 for inputs
   * with more than 2 dims).
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets) {
    return crossEntropy(logits, targets, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
  }

  /**
   * Cross-entropy with an explicit ignore index and reduction. With MEAN the sum is divided by the
   * number of non-ignored targets (the loss is 0, not NaN, when all are ignored).
   *
   * @throws IllegalArgumentException if shapes disagree, targets are not integers, or a target is
   *     out of {@code [0, C)} and not the ignore index
   */
  public static Tensor crossEntropy(
      Tensor logits, Tensor targets, int ignoreIndex, Reduction reduction) {
    return NNOps.crossEntropy(logits, targets, ignoreIndex, reduction.internal());
  }

  /**
   * Negative log-likelihood of log-probabilities {@code [..., C]} against targets {@code [...]}.
   */
  public static Tensor nllLoss(Tensor logProbs, Tensor targets) {
    return nllLoss(logProbs, targets, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
  }

  /** Negative log-likelihood with an ignore index and reduction. */
  public static Tensor nllLoss(
      Tensor logProbs, Tensor targets, int ignoreIndex, Reduction reduction) {
    return NNOps.nllLoss(logProbs, targets, ignoreIndex, reduction.internal());
  }

  /** Mean squared error. */
  public static Tensor mseLoss(Tensor input, Tensor target) {
    return mseLoss(input, target, Reduction.MEAN);
  }

  /**
   * Squared error with a reduction; shapes broadcast (NONE returns the broadcast shape) and both
   * arguments receive gradients.
   *
   * @throws IllegalArgumentException if {@code input} is not floating point or the shapes do not
   *     broadcast
   */
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
    return Losses.mse(input, target, reduction.internal());
  }

  /** Mean binary cross-entropy of logits against targets in {@code [0, 1]}, computed stably. */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
    return binaryCrossEntropyWithLogits(logits, targets, null, Reduction.MEAN);
  }

  /**
   * Binary cross-entropy with logits: {@code -(w_pos · y · log σ(x) + (1 - y) · log(1 - σ(x)))}.
   *
   * <p>Computed stably for any logits; gradients flow to the logits, the targets and {@code
   * posWeight}.
   *
   * @param posWeight weight of positive examples, broadcast over the last dim, or null
   * @throws IllegalArgumentException if the targets' shape differs from the logits' or {@code
   *     posWeight} does not broadcast to it
   */
  public static Tensor binaryCrossEntropyWithLogits(
      Tensor logits, Tensor targets, Tensor posWeight, Reduction reduction) {
    return Losses.bceWithLogits(logits, targets, posWeight, reduction.internal());
  }

  // ---------------------------------------------------------------- regularisation, normalisation

  /**
   * Inverted dropout: in training, zeroes each element with probability {@code p} (drawn from
   * {@code generator}) and scales the rest by {@code 1/(1-p)}; the identity otherwise.
   *
   * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1]}
   */
  public static Tensor dropout(Tensor x, double p, Generator generator, boolean training) {
    return Dropout.dropout(x, p, generator, training);
  }

  /**
   * Layer norm over the trailing dims {@code normalizedShape} (biased variance, {@code eps} inside
   * the square root); {@code weight} and {@code bias} of shape {@code normalizedShape} may be null.
   * A constant row normalises to zeros (finite).
   */
  public static Tensor layerNorm(
      Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    return NNOps.layerNorm(x, normalizedShape, weight, bias, eps);
  }

  /**
   * Group norm of {@code x [N, C, *]} over {@code numGroups} groups of channels (biased variance,
   * {@code eps} inside the square root); per-channel {@code weight} and {@code bias} {@code [C]}
   * may be null. A constant group normalises to zeros (finite).
   *
   * @throws IllegalArgumentException if {@code numGroups} does not divide {@code C} or weight/bias
   *     are not {@code [C]}
   */
  public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, double eps) {
    return Norms.groupNorm(x, numGroups, weight, bias, eps);
  }

  // ---------------------------------------------------------------- convolution, pooling

  /**
   * 2-D convolution of {@code x [N, C_in, H, W]} with {@code weight [C_out, C_in/groups, kH, kW]}
   * and optional {@code bias [C_out]}; {@code stride}, {@code padding} and {@code dilation} are
   * {@code {h, w}} pairs. Output {@code [N, C_out, H_out, W_out]} with {@code H_out = (H + 2p - d(k
   * - 1) - 1) / s + 1}. Mixed float types are promoted (PyTorch requires them equal).
   *
   * @throws IllegalArgumentException naming every shape if the ranks, channel counts, groups or
   *     bias do not fit, a stride/dilation is below 1 or a padding negative, or the dilated kernel
   *     is larger than the padded input
   */
  public static Tensor conv2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    return Conv.conv2d(x, weight, bias, stride, padding, dilation, groups);
  }

  /** 2-D convolution with square stride and padding, no dilation, one group. */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return conv2d(
        x,
        weight,
        bias,
        new int[] {stride, stride},
        new int[] {padding, padding},
        new int[] {1, 1},
        1);
  }

  /**
   * Transposed 2-D convolution of {@code x [N, C_in, H, W]} with {@code weight [C_in, C_out/groups,
   * kH, kW]} (PyTorch's layout) and optional {@code bias [C_out]}: {@code H_out = (H - 1)s - 2p +
   * d(k - 1) + outputPadding + 1}. It is the adjoint (the input gradient) of {@link #conv2d} with
   * the same weight and arguments.
   *
   * @throws IllegalArgumentException naming every shape if the ranks, channel counts, groups or
   *     bias do not fit, an output padding is not smaller than the stride or the dilation, or the
   *     output would be empty
   */
  public static Tensor convTranspose2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int groups,
      int[] dilation) {
    return Conv.convTranspose2d(x, weight, bias, stride, padding, outputPadding, groups, dilation);
  }

  /**
   * Max pooling of {@code [N, C, H, W]} with {@code {h, w}} kernel, stride and padding (padding
   * acts as {@code -inf}; at most half the kernel). The gradient goes to the first maximum of each
   * window.
   *
   * @throws IllegalArgumentException for non-4-D input, invalid kernel/stride/padding, or a kernel
   *     larger than the padded input
   */
  public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    return Pool.maxPool2d(x, kernel, stride, padding);
  }

  /** Max pooling with a square kernel and stride equal to the kernel. */
  public static Tensor maxPool2d(Tensor x, int kernel) {
    return maxPool2d(x, new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
  }

  /**
   * Average pooling of {@code [N, C, H, W]}; padded zeros count in the average (PyTorch's {@code
   * count_include_pad=True}): each window sum is divided by {@code kH·kW}.
   *
   * @throws IllegalArgumentException as {@link #maxPool2d(Tensor, int[], int[], int[])}
   */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    return Pool.avgPool2d(x, kernel, stride, padding);
  }

  /** Average pooling with a square kernel and stride equal to the kernel. */
  public static Tensor avgPool2d(Tensor x, int kernel) {
    return avgPool2d(x, new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
  }

  /**
   * Nearest-neighbour resize of {@code [N, C, H, W]} to {@code size = {H_out, W_out}} (PyTorch's
   * {@code mode="nearest"}: source index {@code min(floor(dst * (in / out)), in - 1)} with the
   * scale in float, as PyTorch computes it).
   *
   * @throws IllegalArgumentException for non-4-D input or a size that is not two positive values
   */
  public static Tensor interpolate(Tensor x, long[] size) {
    return Pool.interpolateNearest(x, size);
  }

  /** Nearest-neighbour resize by an integer {@code scaleFactor}. */
  public static Tensor interpolate(Tensor x, int scaleFactor) {
    long[] s = x.shape();
    if (s.length != 4) {
      throw new IllegalArgumentException(
          "interpolate: expected [N, C, H, W], got " + java.util.Arrays.toString(s));
    }
    return interpolate(x, new long[] {s[2] * scaleFactor, s[3] * scaleFactor});
  }

  // ---------------------------------------------------------------- linear, attention, embedding

  /**
   * Affine map {@code x·Wᵀ + b}: {@code x [..., in]}, {@code weight [out, in]} (PyTorch's layout),
   * optional {@code bias [out]}; returns {@code [..., out]}. One fused GEMM, no transpose copy.
   *
   * @throws IllegalArgumentException if the last dim of {@code x} differs from {@code in}
   */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    return LinAlg.linear(x, weight, bias);
  }

  // ---------------------------------------------------------------- attention, embedding, einsum

  /**
   * Fused scaled dot-product attention {@code softmax(q·kᵀ/√D + mask)·v} with its own backward.
   *
   * @param q {@code [..., Tq, D]}
   * @param k {@code [..., Tk, D]}
   * @param v {@code [..., Tk, Dv]}
   * @param causal mask keys after each query (bottom-right aligned: query {@code i} sees keys
   *     {@code j <= i + Tk - Tq}, which equals PyTorch's {@code is_causal} when {@code Tq == Tk}
   *     and is what a KV cache needs)
   * @param mask null, BOOL (true = may attend) or an additive float mask broadcastable to {@code
   *     [..., Tq, Tk]}
   * @return {@code [..., Tq, Dv]}
   */
  public static Tensor scaledDotProductAttention(
      Tensor q, Tensor k, Tensor v, boolean causal, Tensor mask) {
    return NNOps.attention(q, k, v, mask, causal, Double.NaN);
  }

  /** Attention with an explicit score scale. */
  public static Tensor scaledDotProductAttention(
      Tensor q, Tensor k, Tensor v, boolean causal, Tensor mask, double scale) {
    return NNOps.attention(q, k, v, mask, causal, scale);
  }

  /**
   * Multi-head self-attention from a fused projection {@code qkv [B, T, 3C]} (columns {@code [q | k
   * | v]}, each split into {@code nHead} heads of {@code C / nHead}): returns {@code [B, T, C]}
   * with the heads concatenated. Equals {@code split} → {@code reshape [B, T, H, D]} → {@code
   * transpose (1, 2)} → {@link #scaledDotProductAttention} → {@code transpose} → {@code reshape},
   * but reads and writes the heads in place instead of copying them (GPT-2's attention in one op).
   *
   * @param mask null, BOOL (true = may attend) or additive, broadcastable to {@code [B, H, T, T]}
   * @throws IllegalArgumentException if {@code 3C} is not divisible by {@code 3 * nHead}
   */
  public static Tensor selfAttention(Tensor qkv, int nHead, boolean causal, Tensor mask) {
    return NNOps.selfAttention(qkv, nHead, causal, mask);
  }

  /**
   * Rows of {@code weight [V, D]} looked up by an integer tensor of any shape; returns {@code [...,
   * D]}. The gradient scatter-adds into {@code weight}, accumulating repeated indices.
   *
   * @throws IllegalArgumentException if an index is outside {@code [0, V)}
   */
  public static Tensor embedding(Tensor indices, Tensor weight) {
    return Index.embedding(indices, weight);
  }

  /** One-hot encoding {@code [..., numClasses]} (INT64) of an integer tensor. */
  public static Tensor oneHot(Tensor indices, int numClasses) {
    return indices.oneHot(numClasses);
  }

  /**
   * Einstein summation over one or two operands: {@code "bhqd,bhkd->bhqk"}, {@code "ij->ji"},
   * {@code "bii->b"}, {@code "ij,jk->ik"}. Indices are single letters; without {@code ->} the
   * output holds the indices that appear once, in alphabetical order (upper case first). A repeated
   * index within one operand takes its diagonal; two-operand contractions run as one batched
   * matmul. Sizes must match exactly (no size-1 broadcasting, no ellipsis).
   *
   * @throws IllegalArgumentException for malformed equations (operand count, non-letter characters,
   *     output indices missing or repeated) or an index with two different sizes
   */
  public static Tensor einsum(String equation, Tensor... operands) {
    return Einsum.einsum(equation, operands);
  }
}
