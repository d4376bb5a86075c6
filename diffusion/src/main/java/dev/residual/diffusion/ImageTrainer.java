package dev.residual.diffusion;

import dev.residual.diffusion.models.UNet;
import dev.residual.io.Checkpoint;
import dev.residual.optim.AdamW;
import dev.residual.optim.ExponentialMovingAverage;
import dev.residual.optim.OptimizerState;
import dev.residual.optim.schedule.LrSchedule;
import dev.residual.optim.schedule.WarmupCosine;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trains a {@link UNet} denoiser on images with AdamW and an exponential moving average (EMA) of
 * the weights, optionally class-conditional with label dropout for classifier-free guidance, and
 * saves resumable checkpoints atomically.
 *
 * <p>Each step draws a minibatch without replacement from a shuffled epoch, drops each label with
 * probability {@code labelDropout} (replacing it with the model's "no label" class {@code
 * numClasses}), draws {@code t} uniformly in {@code [0, T)} and takes {@link
 * GaussianDiffusion#loss}. The learning rate warms up linearly over {@code warmupSteps}. Sampling
 * should use the EMA weights: {@link #withEmaWeights} swaps them in for the duration of a call.
 *
 * <p>A checkpoint directory ({@link Checkpoint}'s layout) holds the raw weights as the model, and
 * as optimizer tensors AdamW's moments under {@code "adamw/"} and the EMA shadows under {@code
 * "ema/"}; {@code state.json} holds the step, both states' scalars, the data generator and {@link
 * Config} as a map. {@link #resume} continues a run bit for bit where it stopped.
 */
public final class ImageTrainer {
  /**
   * Training settings.
   *
   * @param batchSize images per step
   * @param lr peak AdamW learning rate
   * @param weightDecay AdamW decoupled weight decay
   * @param warmupSteps linear warm-up of the learning rate from 0 (0 for none)
   * @param emaDecay the EMA's decay per step, in {@code [0, 1)}, reached after a warm-up: step
   *     {@code n} uses {@code min(emaDecay, (1 + n)/(10 + n))}
   * @param labelDropout probability of replacing a label by "no label" (0 for a purely conditional
   *     model; ignored when the model is unconditional)
   * @param gradClip clip the global gradient norm to this (0 for no clipping)
   * @param seed seed of batches, timesteps, noise and label dropout
   * @param decayStart the last step at the peak learning rate before the cosine decay (ignored when
   *     {@code decayEnd} is 0)
   * @param decayEnd the step at which the cosine decay reaches {@code minLr} and stays there; 0 for
   *     a constant learning rate after the warm-up
   * @param minLr the learning rate at and after {@code decayEnd}, in {@code [0, lr]}
   */
  public record Config(
      int batchSize,
      double lr,
      double weightDecay,
      int warmupSteps,
      double emaDecay,
      double labelDropout,
      double gradClip,
      long seed,
      int decayStart,
      int decayEnd,
      double minLr) {
    /**
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Config {
      if (batchSize < 1) {
        throw new IllegalArgumentException("ImageTrainer.Config: batchSize must be >= 1");
      }
      if (!(lr > 0) || !(weightDecay >= 0) || warmupSteps < 0) {
        throw new IllegalArgumentException(
            "ImageTrainer.Config: need lr > 0, weightDecay >= 0, warmupSteps >= 0; got "
                + lr
                + ", "
                + weightDecay
                + ", "
                + warmupSteps);
      }
      if (!(emaDecay >= 0 && emaDecay < 1)) {
        throw new IllegalArgumentException(
            "ImageTrainer.Config: emaDecay must be in [0, 1), got " + emaDecay);
      }
      if (!(labelDropout >= 0 && labelDropout <= 1)) {
        throw new IllegalArgumentException(
            "ImageTrainer.Config: labelDropout must be in [0, 1], got " + labelDropout);
      }
      if (!(gradClip >= 0)) {
        throw new IllegalArgumentException(
            "ImageTrainer.Config: gradClip must be >= 0, got " + gradClip);
      }
      if (decayEnd != 0) {
        if (decayStart < warmupSteps || decayEnd <= decayStart) {
          throw new IllegalArgumentException(
              "ImageTrainer.Config: need warmupSteps <= decayStart < decayEnd; got "
                  + warmupSteps
                  + ", "
                  + decayStart
                  + ", "
                  + decayEnd);
        }
        if (!(minLr >= 0 && minLr <= lr)) {
          throw new IllegalArgumentException(
              "ImageTrainer.Config: minLr must be in [0, lr = " + lr + "], got " + minLr);
        }
      }
    }

    /** Settings with a constant learning rate after the warm-up (no decay). */
    public Config(
        int batchSize,
        double lr,
        double weightDecay,
        int warmupSteps,
        double emaDecay,
        double labelDropout,
        double gradClip,
        long seed) {
      this(
          batchSize,
          lr,
          weightDecay,
          warmupSteps,
          emaDecay,
          labelDropout,
          gradClip,
          seed,
          0,
          0,
          lr);
    }

    /**
     * These settings with a cosine decay of the learning rate from {@code lr} after step {@code
     * start} to {@code minLr} at step {@code end} (a warm-up, stable, decay schedule: a run trained
     * at a constant rate can be resumed with a decay appended).
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public Config withCosineDecay(int start, int end, double minLr) {
      return new Config(
          batchSize,
          lr,
          weightDecay,
          warmupSteps,
          emaDecay,
          labelDropout,
          gradClip,
          seed,
          start,
          end,
          minLr);
    }

    /** This config as a JSON-serialisable map (stored in checkpoints). */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch_size", batchSize);
      m.put("lr", lr);
      m.put("weight_decay", weightDecay);
      m.put("warmup_steps", warmupSteps);
      m.put("ema_decay", emaDecay);
      m.put("label_dropout", labelDropout);
      m.put("grad_clip", gradClip);
      m.put("seed", seed);
      if (decayEnd != 0) {
        m.put("decay_start", decayStart);
        m.put("decay_end", decayEnd);
        m.put("min_lr", minLr);
      }
      return m;
    }
  }

  private final UNet model;
  private final GaussianDiffusion diffusion;
  private final Config config;
  private final Tensor images;
  private final Tensor labels;
  private final AdamW opt;
  private final ExponentialMovingAverage ema;
  private final Generator g;
  // the decay phase: WarmupCosine's cosine from decayStart (where its ramp would end, never asked
  // for) to decayEnd; null for a constant rate
  private final LrSchedule decay;
  private int[] order;
  private int cursor;
  private long step;

  /**
   * @param model the denoiser (trained in place)
   * @param diffusion schedule and prediction target
   * @param images FLOAT32 training images {@code [N, C, H, W]}, scaled to {@code [-1, 1]}
   * @param labels INT64 labels {@code [N]} in {@code [0, numClasses)}, or null for unconditional
   *     training
   * @param config settings
   * @throws IllegalArgumentException if the images are not 4-D with the model's channel count,
   *     labels are missing for a class-conditional model (or given to an unconditional one), or
   *     their count differs from the images'
   */
  public ImageTrainer(
      UNet model, GaussianDiffusion diffusion, Tensor images, Tensor labels, Config config) {
    long[] s = images.shape();
    if (s.length != 4) {
      throw new IllegalArgumentException(
          "ImageTrainer: expected images [N, C, H, W], got " + Arrays.toString(s));
    }
    if (s[0] < 1) {
      throw new IllegalArgumentException("ImageTrainer: no training images");
    }
    if (model.numClasses() > 0 && labels == null) {
      throw new IllegalArgumentException(
          "ImageTrainer: the model is class-conditional ("
              + model.numClasses()
              + " classes)"
              + " but no labels were given");
    }
    if (labels != null && model.numClasses() == 0) {
      throw new IllegalArgumentException(
          "ImageTrainer: labels given but the model is unconditional (numClasses 0)");
    }
    if (labels != null && (labels.dim() != 1 || labels.size(0) != s[0])) {
      throw new IllegalArgumentException(
          "ImageTrainer: labels "
              + Arrays.toString(labels.shape())
              + " do not match images "
              + Arrays.toString(s));
    }
    this.model = model;
    this.diffusion = diffusion;
    this.config = config;
    this.images = images.to(DType.FLOAT32);
    this.labels = labels == null ? null : labels.to(DType.INT64);
    this.opt =
        AdamW.builder().lr(config.lr()).weightDecay(config.weightDecay()).build(model.parameters());
    // Warm-up (decay min(d, (1 + n)/(10 + n)), as diffusers does): with a constant 0.999 the EMA
    // still gave the random initial weights 0.999^500 = 61% of its mass after 500 steps, and the
    // samples of a short run were noise.
    this.ema = new ExponentialMovingAverage(model.parameters(), config.emaDecay(), true);
    this.g = new Generator(config.seed());
    this.decay =
        config.decayEnd() == 0
            ? null
            : new WarmupCosine(config.lr(), config.decayStart(), config.decayEnd(), config.minLr());
    this.cursor = Integer.MAX_VALUE;
  }

  /** Completed optimizer steps. */
  public long step() {
    return step;
  }

  /** The model being trained (holding the raw, not the EMA, weights). */
  public UNet model() {
    return model;
  }

  /** The diffusion process. */
  public GaussianDiffusion diffusion() {
    return diffusion;
  }

  /** The EMA of the weights. */
  public ExponentialMovingAverage ema() {
    return ema;
  }

  /**
   * The learning rate used at step {@code s} (1-based): {@code lr·s/warmupSteps} during the linear
   * warm-up, then {@code lr}; with a decay, {@code minLr + ½(1 + cos(π·r))·(lr − minLr)} for {@code
   * r = (s − decayStart)/(decayEnd − decayStart)} between the two steps, and {@code minLr} after.
   */
  public double lrAt(long s) {
    if (config.warmupSteps() > 0 && s < config.warmupSteps()) {
      return config.lr() * s / config.warmupSteps();
    }
    if (decay == null || s <= config.decayStart()) {
      return config.lr();
    }
    return s >= config.decayEnd() ? config.minLr() : decay.lr((int) s);
  }

  /**
   * One optimizer step on a fresh minibatch.
   *
   * @return the step's loss
   */
  public double trainStep() {
    model.train();
    try (MemoryScope scope = MemoryScope.open()) {
      Tensor idx = nextBatch();
      Tensor x0 = images.indexSelect(0, idx);
      Tensor y = null;
      if (labels != null) {
        y = labels.indexSelect(0, idx);
        if (config.labelDropout() > 0) {
          y = ClassifierFreeGuidance.dropLabels(y, config.labelDropout(), model.numClasses(), g);
        }
      }
      Tensor loss = diffusion.loss(model, x0, y, g);
      double value = loss.item();
      if (!Double.isFinite(value)) {
        throw new IllegalStateException(
            "ImageTrainer: loss became "
                + value
                + " at step "
                + (step + 1)
                + " (lr "
                + lrAt(step + 1)
                + "); lower the learning rate or enable gradient clipping");
      }
      opt.zeroGrad(true);
      loss.backward();
      if (config.gradClip() > 0) {
        dev.residual.optim.GradClip.clipGradNorm(model.parameters(), config.gradClip());
      }
      step++;
      opt.paramGroups().get(0).setLr(lrAt(step));
      opt.step();
      ema.update();
      return value;
    }
  }

  private Tensor nextBatch() {
    int n = (int) images.size(0);
    int b = Math.min(config.batchSize(), n);
    if (order == null || cursor + b > n) {
      order = g.permutation(n);
      cursor = 0;
    }
    long[] idx = new long[b];
    for (int k = 0; k < b; k++) {
      idx[k] = order[cursor + k];
    }
    cursor += b;
    return Tensor.of(idx);
  }

  /**
   * Runs {@code body} with the EMA weights copied into the model (in eval mode), then puts the raw
   * weights and the previous mode back, even if {@code body} throws.
   */
  public <T> T withEmaWeights(Supplier<T> body) {
    boolean wasTraining = model.isTraining();
    ema.store();
    ema.copyTo();
    model.eval();
    try {
      return body.get();
    } finally {
      ema.restore();
      model.train(wasTraining);
    }
  }

  /**
   * Writes a resumable checkpoint to {@code dir} atomically (see the class comment for what it
   * holds).
   *
   * @param extra more JSON-serialisable entries for the checkpoint's config (e.g. the model's
   *     config), stored next to this trainer's own under {@code "trainer"}
   * @throws IOException if the directory cannot be written
   */
  public void save(Path dir, Map<String, Object> extra) throws IOException {
    OptimizerState os = opt.stateDict();
    OptimizerState es = ema.stateDict();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    os.tensors().forEach((k, v) -> tensors.put("adamw/" + k, v));
    es.tensors().forEach((k, v) -> tensors.put("ema/" + k, v));
    Map<String, Object> meta = new LinkedHashMap<>();
    os.meta().forEach((k, v) -> meta.put("adamw/" + k, v));
    es.meta().forEach((k, v) -> meta.put("ema/" + k, v));
    Map<String, Object> cfg = new LinkedHashMap<>(extra);
    cfg.put("trainer", config.toMap());
    cfg.put("epoch_cursor", cursor == Integer.MAX_VALUE ? -1 : cursor);
    cfg.put("epoch_order", order == null ? null : order);
    Map<String, long[]> gens = new LinkedHashMap<>();
    gens.put("data", g.getState());
    Checkpoint.save(
        dir, new Checkpoint.Contents(step, model.stateDict(), tensors, meta, Map.of(), gens, cfg));
  }

  /**
   * Restores a checkpoint written by {@link #save} into this trainer (same model architecture and
   * data), so that training continues exactly where it stopped.
   *
   * @throws IOException if {@code dir} holds no readable checkpoint
   * @throws IllegalArgumentException if the checkpoint does not fit this model
   */
  public void resume(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("ImageTrainer.resume: no checkpoint directory " + dir);
    }
    Checkpoint.Contents c = Checkpoint.load(dir);
    model.loadStateDict(c.model(), true);
    opt.loadStateDict(split(c, "adamw/"));
    ema.loadStateDict(split(c, "ema/"));
    long[] gs = c.generators().get("data");
    if (gs == null) {
      throw new IllegalArgumentException(
          "ImageTrainer.resume: checkpoint " + dir + " has no 'data' generator state");
    }
    g.setState(gs);
    Object cur = c.config().get("epoch_cursor");
    Object ord = c.config().get("epoch_order");
    if (ord instanceof java.util.List<?> list && cur instanceof Number num && num.intValue() >= 0) {
      order = new int[list.size()];
      for (int k = 0; k < order.length; k++) {
        order[k] = ((Number) list.get(k)).intValue();
      }
      cursor = num.intValue();
    } else {
      order = null;
      cursor = Integer.MAX_VALUE;
    }
    step = c.step();
    opt.paramGroups().get(0).setLr(lrAt(Math.max(1, step)));
  }

  private static OptimizerState split(Checkpoint.Contents c, String prefix) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    c.optimizerTensors()
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                t.put(k.substring(prefix.length()), v);
              }
            });
    Map<String, Object> m = new LinkedHashMap<>();
    c.optimizerState()
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
              }
            });
    return new OptimizerState(t, m);
  }
}
