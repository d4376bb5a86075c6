package dev.residual.transformer;

/**
 * Hyperparameters of a {@link GPT2} model (nanoGPT's {@code GPTConfig}).
 *
 * @param nLayer number of transformer blocks
 * @param nHead attention heads per block; must divide {@code nEmbd}
 * @param nEmbd model width {@code d_model}
 * @param blockSize maximum sequence length (number of learned positions)
 * @param vocabSize number of tokens
 * @param dropout dropout probability on embeddings, attention output and MLP output, in {@code [0,
 *     1)}
 * @param bias whether Linear layers and LayerNorms carry biases (GPT-2: true)
 * @param layerNormEps epsilon inside the LayerNorm square root (GPT-2: 1e-5)
 * @param activation MLP nonlinearity (GPT-2: {@link Activation#GELU_TANH})
 * @param tieWeights whether {@code lm_head.weight} is the token embedding {@code wte.weight}
 */
public record GPT2Config(
    int nLayer,
    int nHead,
    int nEmbd,
    int blockSize,
    int vocabSize,
    double dropout,
    boolean bias,
    double layerNormEps,
    Activation activation,
    boolean tieWeights) {

  /** The MLP nonlinearity. */
  public enum Activation {
    /** GPT-2's tanh approximation of GELU (Hugging Face's {@code gelu_new}). */
    GELU_TANH,
    /** Exact erf-based GELU (Hugging Face's {@code gelu}). */
    GELU
  }

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException if a size is not positive, {@code nEmbd} is not divisible by
   *     {@code nHead}, {@code dropout} is outside {@code [0, 1)}, {@code layerNormEps} is negative
   *     or not finite, or {@code activation} is null
   */
  public GPT2Config {
    requirePositive("nLayer", nLayer);
    requirePositive("nHead", nHead);
    requirePositive("nEmbd", nEmbd);
    requirePositive("blockSize", blockSize);
    requirePositive("vocabSize", vocabSize);
    if (nEmbd % nHead != 0) {
      throw new IllegalArgumentException(
          "GPT2Config: nEmbd ("
              + nEmbd
              + ") must be divisible by nHead ("
              + nHead
              + "), remainder "
              + (nEmbd % nHead));
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("GPT2Config: dropout must be in [0, 1), got " + dropout);
    }
    if (!(layerNormEps >= 0) || Double.isInfinite(layerNormEps)) {
      throw new IllegalArgumentException(
          "GPT2Config: layerNormEps must be finite and non-negative, got " + layerNormEps);
    }
    if (activation == null) {
      throw new IllegalArgumentException("GPT2Config: activation must not be null");
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("GPT2Config: " + name + " must be positive, got " + value);
    }
  }

  /** A GPT-2-style config with biases, eps 1e-5, GELU_TANH, tied weights and no dropout. */
  public static GPT2Config of(int nLayer, int nHead, int nEmbd, int blockSize, int vocabSize) {
    return new GPT2Config(
        nLayer, nHead, nEmbd, blockSize, vocabSize, 0.0, true, 1e-5, Activation.GELU_TANH, true);
  }

  /** GPT-2 small (124M parameters): 12 layers, 12 heads, 768 wide, block 1024, vocab 50257. */
  public static GPT2Config gpt2() {
    return of(12, 12, 768, 1024, 50257);
  }

  /** GPT-2 medium (350M): 24 layers, 16 heads, 1024 wide, block 1024, vocab 50257. */
  public static GPT2Config gpt2Medium() {
    return of(24, 16, 1024, 1024, 50257);
  }

  /** GPT-2 large (774M): 36 layers, 20 heads, 1280 wide, block 1024, vocab 50257. */
  public static GPT2Config gpt2Large() {
    return of(36, 20, 1280, 1024, 50257);
  }

  /** GPT-2 XL (1558M): 48 layers, 25 heads, 1600 wide, block 1024, vocab 50257. */
  public static GPT2Config gpt2Xl() {
    return of(48, 25, 1600, 1024, 50257);
  }

  /**
   * nanoGPT's CPU "baby" character model for tinyshakespeare: 4 layers, 4 heads, 128 wide, block
   * 64, vocab 65, dropout 0.
   */
  public static GPT2Config babyShakespeare() {
    return of(4, 4, 128, 64, 65);
  }

  /** This config with another dropout probability. */
  public GPT2Config withDropout(double p) {
    return new GPT2Config(
        nLayer, nHead, nEmbd, blockSize, vocabSize, p, bias, layerNormEps, activation, tieWeights);
  }

  /** This config with another vocabulary size (e.g. padded to a multiple of 64). */
  public GPT2Config withVocabSize(int v) {
    return new GPT2Config(
        nLayer, nHead, nEmbd, blockSize, v, dropout, bias, layerNormEps, activation, tieWeights);
  }

  /** This config with another block size (e.g. cropped for fine-tuning on short sequences). */
  public GPT2Config withBlockSize(int b) {
    return new GPT2Config(
        nLayer, nHead, nEmbd, b, vocabSize, dropout, bias, layerNormEps, activation, tieWeights);
  }

  /** Width of each attention head, {@code nEmbd / nHead}. */
  public int headSize() {
    return nEmbd / nHead;
  }
}
