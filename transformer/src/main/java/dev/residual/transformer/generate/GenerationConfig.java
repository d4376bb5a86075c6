package dev.residual.transformer.generate;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every setting of one text generation, named and defaulted as Hugging Face's {@code
 * GenerationConfig} (and OpenAI's API for the frequency and presence penalties). Build one with
 * {@link #builder()}, {@link #greedy(int)} or {@link #toBuilder()}; the canonical constructor
 * validates every value.
 *
 * <p>Decoding mode: {@code temperature == 0} is greedy decoding (or beam search when {@code
 * numBeams > 1}); {@code temperature > 0} samples ({@link #doSample()}). Beam sampling ({@code
 * numBeams > 1} with {@code temperature > 0}) is not supported and refused, so beam search needs
 * {@code temperature(0)}.
 *
 * <p>{@code stopTokens} is kept as an {@code int[]}: the record copies it on the way in and on the
 * way out (the accessor returns a fresh copy), and {@link #equals}, {@link #hashCode} and {@link
 * #toString} are overridden to compare and print its contents.
 *
 * @param maxNewTokens tokens generated at most after the prompt ({@code >= 0}; default 100)
 * @param temperature divisor of the logits before the softmax; 0 means greedy ({@code >= 0} and
 *     finite; default 1.0)
 * @param topK keep only the {@code topK} most probable tokens; 0 turns it off ({@code >= 0};
 *     default 0)
 * @param topP keep the smallest set of most probable tokens whose probability reaches {@code topP};
 *     1.0 turns it off (in {@code (0, 1]}; default 1.0)
 * @param minP keep only tokens whose probability is at least {@code minP} times the most probable
 *     token's; 0 turns it off (in {@code [0, 1]}; default 0)
 * @param frequencyPenalty subtracted from a token's logit once per occurrence in the generated text
 *     (finite; default 0)
 * @param presencePenalty subtracted from a token's logit once if it occurs in the generated text
 *     (finite; default 0)
 * @param repetitionPenalty CTRL's penalty on tokens already in the sequence, prompt included; 1.0
 *     is off ({@code > 0} and finite; default 1.0)
 * @param stopTokens token ids (the EOS ids) that end a sequence; each {@code >= 0} (default none)
 * @param stopStrings strings whose appearance in the decoded text ends generation; none may be null
 *     or empty (default none)
 * @param seed seed of the sampling {@link dev.residual.tensor.Generator} (default 0)
 * @param numBeams beams of beam search; 1 is no beam search ({@code >= 1}; default 1)
 * @param lengthPenalty exponent of the length in a finished beam's score {@code sumLogProbs /
 *     length^lengthPenalty} (finite; default 1.0)
 * @param noRepeatNgramSize no n-gram of this size may occur twice; 0 turns it off ({@code >= 0};
 *     default 0)
 * @param earlyStopping when beam search stops (default {@link EarlyStopping#FALSE}, as Hugging
 *     Face)
 * @param numReturnSequences sequences returned per prompt ({@code >= 1}; at most {@code numBeams}
 *     with beam search; 1 with greedy decoding, which would return the same sequence each time;
 *     default 1)
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    double minP,
    double frequencyPenalty,
    double presencePenalty,
    double repetitionPenalty,
    int[] stopTokens,
    List<String> stopStrings,
    long seed,
    int numBeams,
    double lengthPenalty,
    int noRepeatNgramSize,
    EarlyStopping earlyStopping,
    int numReturnSequences) {

  /** When beam search stops, as Hugging Face's {@code early_stopping}. */
  public enum EarlyStopping {
    /** Stop as soon as {@code numBeams} hypotheses are finished. */
    TRUE,
    /**
     * Stop when the best score still reachable by a running beam, estimated at the current length,
     * cannot beat the worst finished hypothesis (Hugging Face's heuristic {@code False}).
     */
    FALSE,
    /**
     * Stop only when no running beam can beat the worst finished hypothesis at any length up to the
     * maximum (Hugging Face's canonical {@code "never"}).
     */
    NEVER
  }

  /**
   * Validates every setting and copies {@code stopTokens} and {@code stopStrings}.
   *
   * @throws IllegalArgumentException naming the first setting out of range and its value, or
   *     refusing beam sampling ({@code numBeams > 1} with {@code temperature > 0})
   */
  public GenerationConfig {
    if (maxNewTokens < 0) {
      throw bad("maxNewTokens", maxNewTokens, "must be >= 0");
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw bad("temperature", temperature, "must be finite and >= 0 (0 means greedy)");
    }
    if (topK < 0) {
      throw bad("topK", topK, "must be >= 0 (0 turns it off)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw bad("topP", topP, "must be in (0, 1] (1 turns it off)");
    }
    if (!(minP >= 0 && minP <= 1)) {
      throw bad("minP", minP, "must be in [0, 1] (0 turns it off)");
    }
    if (!Double.isFinite(frequencyPenalty)) {
      throw bad("frequencyPenalty", frequencyPenalty, "must be finite");
    }
    if (!Double.isFinite(presencePenalty)) {
      throw bad("presencePenalty", presencePenalty, "must be finite");
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw bad("repetitionPenalty", repetitionPenalty, "must be finite and > 0 (1 turns it off)");
    }
    if (stopTokens == null) {
      throw bad("stopTokens", null, "must not be null (use an empty array)");
    }
    stopTokens = stopTokens.clone();
    for (int t : stopTokens) {
      if (t < 0) {
        throw bad("stopTokens", Arrays.toString(stopTokens), "must hold token ids >= 0");
      }
    }
    if (stopStrings == null) {
      throw bad("stopStrings", null, "must not be null (use an empty list)");
    }
    for (String s : stopStrings) {
      if (s == null || s.isEmpty()) {
        throw bad("stopStrings", quoted(stopStrings), "must not hold null or empty strings");
      }
    }
    stopStrings = List.copyOf(stopStrings);
    if (numBeams < 1) {
      throw bad("numBeams", numBeams, "must be >= 1");
    }
    if (!Double.isFinite(lengthPenalty)) {
      throw bad("lengthPenalty", lengthPenalty, "must be finite");
    }
    if (noRepeatNgramSize < 0) {
      throw bad("noRepeatNgramSize", noRepeatNgramSize, "must be >= 0 (0 turns it off)");
    }
    if (earlyStopping == null) {
      throw bad("earlyStopping", null, "must not be null");
    }
    if (numReturnSequences < 1) {
      throw bad("numReturnSequences", numReturnSequences, "must be >= 1");
    }
    if (numBeams > 1 && temperature > 0) {
      throw new IllegalArgumentException(
          "GenerationConfig: numBeams "
              + numBeams
              + " with temperature "
              + temperature
              + " asks for beam sampling, which is not supported; set temperature 0 for beam"
              + " search");
    }
    if (numBeams > 1 && numReturnSequences > numBeams) {
      throw bad(
          "numReturnSequences",
          numReturnSequences,
          "must be <= numBeams (" + numBeams + ") with beam search");
    }
    if (numBeams == 1 && temperature == 0 && numReturnSequences > 1) {
      throw bad(
          "numReturnSequences",
          numReturnSequences,
          "must be 1 with greedy decoding (temperature 0, numBeams 1), which would return the"
              + " same sequence each time");
    }
  }

  private static IllegalArgumentException bad(String field, Object value, String rule) {
    return new IllegalArgumentException(
        "GenerationConfig: " + field + " " + rule + ", got " + value);
  }

  private static String quoted(List<String> strings) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < strings.size(); i++) {
      String s = strings.get(i);
      sb.append(i == 0 ? "" : ", ").append(s == null ? "null" : '"' + s + '"');
    }
    return sb.append(']').toString();
  }

  /** Whether tokens are sampled ({@code temperature > 0}) rather than chosen greedily. */
  public boolean doSample() {
    return temperature > 0;
  }

  /** The stop token ids, as a fresh copy. */
  @Override
  public int[] stopTokens() {
    return stopTokens.clone();
  }

  /** Whether {@code token} is one of the stop tokens. */
  public boolean isStopToken(int token) {
    for (int t : stopTokens) {
      if (t == token) {
        return true;
      }
    }
    return false;
  }

  /** A builder holding the defaults (sampling at temperature 1 with no truncation). */
  public static Builder builder() {
    return new Builder();
  }

  /** Greedy decoding (temperature 0) of at most {@code maxNewTokens} tokens, defaults elsewhere. */
  public static GenerationConfig greedy(int maxNewTokens) {
    return builder().maxNewTokens(maxNewTokens).temperature(0).build();
  }

  /** A builder starting from this config's settings. */
  public Builder toBuilder() {
    return new Builder()
        .maxNewTokens(maxNewTokens)
        .temperature(temperature)
        .topK(topK)
        .topP(topP)
        .minP(minP)
        .frequencyPenalty(frequencyPenalty)
        .presencePenalty(presencePenalty)
        .repetitionPenalty(repetitionPenalty)
        .stopTokens(stopTokens)
        .stopStrings(stopStrings)
        .seed(seed)
        .numBeams(numBeams)
        .lengthPenalty(lengthPenalty)
        .noRepeatNgramSize(noRepeatNgramSize)
        .earlyStopping(earlyStopping)
        .numReturnSequences(numReturnSequences);
  }

  /** Equal when every setting is equal, {@code stopTokens} compared by contents. */
  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationConfig c
        && maxNewTokens == c.maxNewTokens
        && Double.compare(temperature, c.temperature) == 0
        && topK == c.topK
        && Double.compare(topP, c.topP) == 0
        && Double.compare(minP, c.minP) == 0
        && Double.compare(frequencyPenalty, c.frequencyPenalty) == 0
        && Double.compare(presencePenalty, c.presencePenalty) == 0
        && Double.compare(repetitionPenalty, c.repetitionPenalty) == 0
        && Arrays.equals(stopTokens, c.stopTokens)
        && stopStrings.equals(c.stopStrings)
        && seed == c.seed
        && numBeams == c.numBeams
        && Double.compare(lengthPenalty, c.lengthPenalty) == 0
        && noRepeatNgramSize == c.noRepeatNgramSize
        && earlyStopping == c.earlyStopping
        && numReturnSequences == c.numReturnSequences;
  }

  /** A hash consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Objects.hash(
                maxNewTokens,
                temperature,
                topK,
                topP,
                minP,
                frequencyPenalty,
                presencePenalty,
                repetitionPenalty,
                stopStrings,
                seed,
                numBeams,
                lengthPenalty,
                noRepeatNgramSize,
                earlyStopping,
                numReturnSequences)
            * 31
        + Arrays.hashCode(stopTokens);
  }

  /** Every setting by name, {@code stopTokens} by contents. */
  @Override
  public String toString() {
    return "GenerationConfig[maxNewTokens="
        + maxNewTokens
        + ", temperature="
        + temperature
        + ", topK="
        + topK
        + ", topP="
        + topP
        + ", minP="
        + minP
        + ", frequencyPenalty="
        + frequencyPenalty
        + ", presencePenalty="
        + presencePenalty
        + ", repetitionPenalty="
        + repetitionPenalty
        + ", stopTokens="
        + Arrays.toString(stopTokens)
        + ", stopStrings="
        + quoted(stopStrings)
        + ", seed="
        + seed
        + ", numBeams="
        + numBeams
        + ", lengthPenalty="
        + lengthPenalty
        + ", noRepeatNgramSize="
        + noRepeatNgramSize
        + ", earlyStopping="
        + earlyStopping
        + ", numReturnSequences="
        + numReturnSequences
        + "]";
  }

  /**
   * A mutable builder of {@link GenerationConfig}; every setter returns this builder, and {@link
   * #build()} validates.
   */
  public static final class Builder {
    private int maxNewTokens = 100;
    private double temperature = 1.0;
    private int topK = 0;
    private double topP = 1.0;
    private double minP = 0;
    private double frequencyPenalty = 0;
    private double presencePenalty = 0;
    private double repetitionPenalty = 1.0;
    private int[] stopTokens = new int[0];
    private List<String> stopStrings = List.of();
    private long seed = 0;
    private int numBeams = 1;
    private double lengthPenalty = 1.0;
    private int noRepeatNgramSize = 0;
    private EarlyStopping earlyStopping = EarlyStopping.FALSE;
    private int numReturnSequences = 1;

    private Builder() {}

    /** Sets {@link GenerationConfig#maxNewTokens()}. */
    public Builder maxNewTokens(int v) {
      maxNewTokens = v;
      return this;
    }

    /** Sets {@link GenerationConfig#temperature()}; 0 is greedy. */
    public Builder temperature(double v) {
      temperature = v;
      return this;
    }

    /** Sets {@link GenerationConfig#topK()}; 0 is off. */
    public Builder topK(int v) {
      topK = v;
      return this;
    }

    /** Sets {@link GenerationConfig#topP()}; 1 is off. */
    public Builder topP(double v) {
      topP = v;
      return this;
    }

    /** Sets {@link GenerationConfig#minP()}; 0 is off. */
    public Builder minP(double v) {
      minP = v;
      return this;
    }

    /** Sets {@link GenerationConfig#frequencyPenalty()}. */
    public Builder frequencyPenalty(double v) {
      frequencyPenalty = v;
      return this;
    }

    /** Sets {@link GenerationConfig#presencePenalty()}. */
    public Builder presencePenalty(double v) {
      presencePenalty = v;
      return this;
    }

    /** Sets {@link GenerationConfig#repetitionPenalty()}; 1 is off. */
    public Builder repetitionPenalty(double v) {
      repetitionPenalty = v;
      return this;
    }

    /** Sets {@link GenerationConfig#stopTokens()} (copied when the config is built). */
    public Builder stopTokens(int... v) {
      stopTokens = v == null ? null : v.clone();
      return this;
    }

    /** Sets {@link GenerationConfig#stopStrings()}. */
    public Builder stopStrings(List<String> v) {
      stopStrings = v;
      return this;
    }

    /** Sets {@link GenerationConfig#stopStrings()}. */
    public Builder stopStrings(String... v) {
      stopStrings = v == null ? null : Arrays.asList(v);
      return this;
    }

    /** Sets {@link GenerationConfig#seed()}. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Sets {@link GenerationConfig#numBeams()}; 1 is no beam search. */
    public Builder numBeams(int v) {
      numBeams = v;
      return this;
    }

    /** Sets {@link GenerationConfig#lengthPenalty()}. */
    public Builder lengthPenalty(double v) {
      lengthPenalty = v;
      return this;
    }

    /** Sets {@link GenerationConfig#noRepeatNgramSize()}; 0 is off. */
    public Builder noRepeatNgramSize(int v) {
      noRepeatNgramSize = v;
      return this;
    }

    /** Sets {@link GenerationConfig#earlyStopping()}. */
    public Builder earlyStopping(EarlyStopping v) {
      earlyStopping = v;
      return this;
    }

    /** Sets {@link GenerationConfig#numReturnSequences()}. */
    public Builder numReturnSequences(int v) {
      numReturnSequences = v;
      return this;
    }

    /**
     * The validated config.
     *
     * @throws IllegalArgumentException as the {@link GenerationConfig} constructor
     */
    public GenerationConfig build() {
      return new GenerationConfig(
          maxNewTokens,
          temperature,
          topK,
          topP,
          minP,
          frequencyPenalty,
          presencePenalty,
          repetitionPenalty,
          stopTokens,
          stopStrings,
          seed,
          numBeams,
          lengthPenalty,
          noRepeatNgramSize,
          earlyStopping,
          numReturnSequences);
    }
  }
}
