package dev.residual.transformer.train;

import dev.residual.transformer.GPT2Config;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of a GPT training run, named after nanoGPT's {@code train.py} globals. The defaults
 * ({@link #builder()}) are nanoGPT's CPU "baby" run on tinyshakespeare characters: block 64, batch
 * 12, 4 layers, 4 heads, 128 wide, no bias, dropout 0, lr 1e-3 warmed up over 100 iterations and
 * decayed by a cosine to 1e-4 over 2000, betas (0.9, 0.99), weight decay 0.1, clip 1.0, 2000
 * iterations, an evaluation every 250 iterations on 20 batches.
 *
 * @param dataDir directory holding {@code train.bin}, {@code val.bin} and optionally {@code
 *     meta.json} (whose vocabulary sets the model's vocab size; 50304 without it, as nanoGPT)
 * @param outDir directory of the checkpoint (written on every new best validation loss)
 * @param initFrom where the weights come from
 * @param hfDir a Hugging Face GPT-2 directory, for {@link InitFrom#GPT2}
 * @param nLayer transformer blocks
 * @param nHead attention heads
 * @param nEmbd model width
 * @param blockSize context length
 * @param bias whether Linear and LayerNorm layers have biases
 * @param dropout dropout probability during training
 * @param batchSize sequences per micro-batch
 * @param gradAccum micro-batches accumulated per optimizer step
 * @param maxIters optimizer steps in the run
 * @param lr peak learning rate
 * @param minLr learning rate floor after the cosine decay
 * @param warmupIters linear warmup iterations
 * @param lrDecayIters iteration at which the cosine reaches {@code minLr}
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2
 * @param weightDecay decoupled weight decay, applied to parameters with two or more dimensions
 * @param gradClip maximum global gradient norm, or 0 for no clipping
 * @param evalInterval iterations between loss estimates (and checkpoint opportunities)
 * @param evalIters batches per split in each loss estimate
 * @param logInterval iterations between training-loss log lines
 * @param alwaysSaveCheckpoint save at every evaluation, not only on a new best validation loss
 * @param seed seed of the model-initialisation/dropout generator and (plus one) the data generator
 * @param peakFlops peak FLOP/s the MFU estimate is measured against
 * @param wandb whether to log to Weights &amp; Biases (needs {@code WANDB_API_KEY})
 * @param project the tracking project name
 * @param runName the tracking run name, or null for a generated one
 * @param console whether to print progress to the console
 * @param activation the MLP nonlinearity of a model built from scratch (default GPT-2's tanh
 *     approximation; nanoGPT's {@code nn.GELU()} is the exact {@link GPT2Config.Activation#GELU},
 *     which is currently several times slower here)
 * @param runsDir root of the local tracking directories (kept apart from {@code outDir}, which a
 *     checkpoint save replaces as a whole)
 */
public record TrainConfig(
    String dataDir,
    String outDir,
    InitFrom initFrom,
    String hfDir,
    int nLayer,
    int nHead,
    int nEmbd,
    int blockSize,
    boolean bias,
    double dropout,
    int batchSize,
    int gradAccum,
    int maxIters,
    double lr,
    double minLr,
    int warmupIters,
    int lrDecayIters,
    double beta1,
    double beta2,
    double weightDecay,
    double gradClip,
    int evalInterval,
    int evalIters,
    int logInterval,
    boolean alwaysSaveCheckpoint,
    long seed,
    double peakFlops,
    boolean wandb,
    String project,
    String runName,
    boolean console,
    GPT2Config.Activation activation,
    String runsDir) {

  /** Where a run's initial weights come from. */
  public enum InitFrom {
    /** A freshly initialised model. */
    SCRATCH,
    /** The checkpoint in {@code outDir}, continuing exactly where it stopped. */
    RESUME,
    /** A Hugging Face GPT-2 checkpoint in {@code hfDir}, for fine-tuning. */
    GPT2
  }

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the first setting out of range
   */
  public TrainConfig {
    if (dataDir == null
        || outDir == null
        || initFrom == null
        || runsDir == null
        || activation == null) {
      throw new IllegalArgumentException(
          "TrainConfig: dataDir, outDir, runsDir, activation and initFrom are required");
    }
    if (initFrom == InitFrom.GPT2 && hfDir == null) {
      throw new IllegalArgumentException("TrainConfig: initFrom GPT2 needs hfDir");
    }
    positive("nLayer", nLayer);
    positive("nHead", nHead);
    positive("nEmbd", nEmbd);
    positive("blockSize", blockSize);
    positive("batchSize", batchSize);
    positive("gradAccum", gradAccum);
    positive("evalInterval", evalInterval);
    positive("evalIters", evalIters);
    positive("logInterval", logInterval);
    if (maxIters < 0 || warmupIters < 0) {
      throw new IllegalArgumentException(
          "TrainConfig: maxIters and warmupIters must be non-negative, got "
              + maxIters
              + " and "
              + warmupIters);
    }
    if (lrDecayIters <= warmupIters) {
      throw new IllegalArgumentException(
          "TrainConfig: lrDecayIters ("
              + lrDecayIters
              + ") must exceed warmupIters ("
              + warmupIters
              + ")");
    }
    if (!(lr >= 0) || !(minLr >= 0) || !(weightDecay >= 0) || !(gradClip >= 0)) {
      throw new IllegalArgumentException(
          "TrainConfig: lr, minLr, weightDecay and gradClip must be non-negative, got "
              + lr
              + ", "
              + minLr
              + ", "
              + weightDecay
              + ", "
              + gradClip);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("TrainConfig: dropout must be in [0, 1), got " + dropout);
    }
    if (!(peakFlops > 0)) {
      throw new IllegalArgumentException(
          "TrainConfig: peakFlops must be positive, got " + peakFlops);
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException("TrainConfig: " + name + " must be positive, got " + v);
    }
  }

  /** A builder holding the baby-run defaults, reading data from {@code data/shakespeare_char}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config's settings. */
  public Builder toBuilder() {
    return Builder.from(toMap());
  }

  /** The model shape this config asks for, with {@code vocabSize} tokens. */
  public GPT2Config modelConfig(int vocabSize) {
    return new GPT2Config(
        nLayer, nHead, nEmbd, blockSize, vocabSize, dropout, bias, 1e-5, activation, true);
  }

  /** Every setting by component name, JSON-serialisable (the enum as its name). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var c : TrainConfig.class.getRecordComponents()) {
      try {
        Object v = c.getAccessor().invoke(this);
        m.put(c.getName(), v instanceof Enum<?> e ? e.name() : v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("TrainConfig.toMap: cannot read " + c.getName(), e);
      }
    }
    return m;
  }

  /**
   * Rebuilds a config from {@link #toMap()} output (numbers of any {@link Number} type accepted);
   * missing keys keep the defaults.
   *
   * @throws IllegalArgumentException if a key is unknown or a value has the wrong type
   */
  public static TrainConfig fromMap(Map<String, ?> map) {
    return Builder.from(map).build();
  }

  /** Mutable builder of {@link TrainConfig}; every setter returns {@code this}. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {
      values.put("dataDir", "data/shakespeare_char");
      values.put("outDir", "out-shakespeare-char");
      values.put("initFrom", "SCRATCH");
      values.put("hfDir", null);
      values.put("nLayer", 4);
      values.put("nHead", 4);
      values.put("nEmbd", 128);
      values.put("blockSize", 64);
      values.put("bias", false);
      values.put("dropout", 0.0);
      values.put("batchSize", 12);
      values.put("gradAccum", 1);
      values.put("maxIters", 2000);
      values.put("lr", 1e-3);
      values.put("minLr", 1e-4);
      values.put("warmupIters", 100);
      values.put("lrDecayIters", 2000);
      values.put("beta1", 0.9);
      values.put("beta2", 0.99);
      values.put("weightDecay", 0.1);
      values.put("gradClip", 1.0);
      values.put("evalInterval", 250);
      values.put("evalIters", 20);
      values.put("logInterval", 10);
      values.put("alwaysSaveCheckpoint", false);
      values.put("seed", 1337L);
      values.put("peakFlops", 312e12);
      values.put("wandb", false);
      values.put("project", "shakespeare-char");
      values.put("runName", null);
      values.put("console", true);
      values.put("activation", "GELU_TANH");
      values.put("runsDir", "runs");
    }

    static Builder from(Map<String, ?> map) {
      Builder b = new Builder();
      for (Map.Entry<String, ?> e : map.entrySet()) {
        b.set(e.getKey(), e.getValue());
      }
      return b;
    }

    /**
     * Sets the setting named like the record component {@code name}.
     *
     * @throws IllegalArgumentException if no setting has that name
     */
    public Builder set(String name, Object value) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("TrainConfig: unknown setting '" + name + "'");
      }
      values.put(name, value);
      return this;
    }

    /** Sets {@code dataDir}. */
    public Builder dataDir(String v) {
      return set("dataDir", v);
    }

    /** Sets {@code outDir}. */
    public Builder outDir(String v) {
      return set("outDir", v);
    }

    /** Sets {@code initFrom}. */
    public Builder initFrom(InitFrom v) {
      return set("initFrom", v.name());
    }

    /** Sets {@code hfDir}. */
    public Builder hfDir(String v) {
      return set("hfDir", v);
    }

    /** Sets the model shape. */
    public Builder model(int nLayer, int nHead, int nEmbd) {
      set("nLayer", nLayer);
      set("nHead", nHead);
      return set("nEmbd", nEmbd);
    }

    /** Sets {@code blockSize}. */
    public Builder blockSize(int v) {
      return set("blockSize", v);
    }

    /** Sets {@code bias}. */
    public Builder bias(boolean v) {
      return set("bias", v);
    }

    /** Sets {@code dropout}. */
    public Builder dropout(double v) {
      return set("dropout", v);
    }

    /** Sets {@code batchSize}. */
    public Builder batchSize(int v) {
      return set("batchSize", v);
    }

    /** Sets {@code gradAccum}. */
    public Builder gradAccum(int v) {
      return set("gradAccum", v);
    }

    /** Sets {@code maxIters}. */
    public Builder maxIters(int v) {
      return set("maxIters", v);
    }

    /** Sets {@code lr}. */
    public Builder lr(double v) {
      return set("lr", v);
    }

    /** Sets {@code minLr}. */
    public Builder minLr(double v) {
      return set("minLr", v);
    }

    /** Sets {@code warmupIters}. */
    public Builder warmupIters(int v) {
      return set("warmupIters", v);
    }

    /** Sets {@code lrDecayIters}. */
    public Builder lrDecayIters(int v) {
      return set("lrDecayIters", v);
    }

    /** Sets both AdamW betas. */
    public Builder betas(double beta1, double beta2) {
      set("beta1", beta1);
      return set("beta2", beta2);
    }

    /** Sets {@code weightDecay}. */
    public Builder weightDecay(double v) {
      return set("weightDecay", v);
    }

    /** Sets {@code gradClip}. */
    public Builder gradClip(double v) {
      return set("gradClip", v);
    }

    /** Sets {@code evalInterval}. */
    public Builder evalInterval(int v) {
      return set("evalInterval", v);
    }

    /** Sets {@code evalIters}. */
    public Builder evalIters(int v) {
      return set("evalIters", v);
    }

    /** Sets {@code logInterval}. */
    public Builder logInterval(int v) {
      return set("logInterval", v);
    }

    /** Sets {@code alwaysSaveCheckpoint}. */
    public Builder alwaysSaveCheckpoint(boolean v) {
      return set("alwaysSaveCheckpoint", v);
    }

    /** Sets {@code seed}. */
    public Builder seed(long v) {
      return set("seed", v);
    }

    /** Sets {@code peakFlops}. */
    public Builder peakFlops(double v) {
      return set("peakFlops", v);
    }

    /** Sets {@code wandb}. */
    public Builder wandb(boolean v) {
      return set("wandb", v);
    }

    /** Sets {@code project}. */
    public Builder project(String v) {
      return set("project", v);
    }

    /** Sets {@code runName}. */
    public Builder runName(String v) {
      return set("runName", v);
    }

    /** Sets {@code console}. */
    public Builder console(boolean v) {
      return set("console", v);
    }

    /** Sets {@code activation}. */
    public Builder activation(GPT2Config.Activation v) {
      return set("activation", v.name());
    }

    /** Sets {@code runsDir}. */
    public Builder runsDir(String v) {
      return set("runsDir", v);
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException if a value has the wrong type or is out of range
     */
    public TrainConfig build() {
      try {
        return new TrainConfig(
            str("dataDir"),
            str("outDir"),
            InitFrom.valueOf(str("initFrom").toUpperCase(java.util.Locale.ROOT)),
            str("hfDir"),
            integer("nLayer"),
            integer("nHead"),
            integer("nEmbd"),
            integer("blockSize"),
            bool("bias"),
            num("dropout").doubleValue(),
            integer("batchSize"),
            integer("gradAccum"),
            integer("maxIters"),
            num("lr").doubleValue(),
            num("minLr").doubleValue(),
            integer("warmupIters"),
            integer("lrDecayIters"),
            num("beta1").doubleValue(),
            num("beta2").doubleValue(),
            num("weightDecay").doubleValue(),
            num("gradClip").doubleValue(),
            integer("evalInterval"),
            integer("evalIters"),
            integer("logInterval"),
            bool("alwaysSaveCheckpoint"),
            num("seed").longValue(),
            num("peakFlops").doubleValue(),
            bool("wandb"),
            str("project"),
            str("runName"),
            bool("console"),
            GPT2Config.Activation.valueOf(str("activation").toUpperCase(java.util.Locale.ROOT)),
            str("runsDir"));
      } catch (ClassCastException e) {
        throw new IllegalArgumentException("TrainConfig: a setting has the wrong type: " + e, e);
      }
    }

    private String str(String k) {
      Object v = values.get(k);
      return v == null ? null : v.toString();
    }

    private Number num(String k) {
      Object v = values.get(k);
      if (v instanceof Number n) {
        return n;
      }
      if (v instanceof String s) {
        return Double.valueOf(s);
      }
      throw new IllegalArgumentException("TrainConfig: setting '" + k + "' is not a number: " + v);
    }

    private int integer(String k) {
      return num(k).intValue();
    }

    private boolean bool(String k) {
      Object v = values.get(k);
      if (v instanceof Boolean b) {
        return b;
      }
      if (v instanceof String s) {
        return Boolean.parseBoolean(s);
      }
      throw new IllegalArgumentException("TrainConfig: setting '" + k + "' is not a boolean: " + v);
    }
  }
}
