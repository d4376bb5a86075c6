package dev.residual.transformer.train;

import dev.residual.data.TokenDataset;
import dev.residual.io.Checkpoint;
import dev.residual.nn.Module;
import dev.residual.nn.init.Init;
import dev.residual.optim.AdamW;
import dev.residual.optim.GradClip;
import dev.residual.optim.Optimizer;
import dev.residual.optim.OptimizerState;
import dev.residual.optim.ParamGroup;
import dev.residual.optim.schedule.Scheduler;
import dev.residual.optim.schedule.WarmupCosine;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Profiler;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nanoGPT's training loop. Construction builds (or loads) the model, AdamW with two parameter
 * groups (weight decay on parameters with two or more dimensions only), the warmup + cosine
 * schedule and the data generators; {@link #train()} then runs iterations {@code start .. maxIters
 * - 1}. Each iteration runs inside one {@link MemoryScope}: {@code gradAccum} micro-batches each
 * backpropagate {@code loss / gradAccum}, the global gradient norm is clipped, AdamW steps, the
 * schedule advances and the gradients are zeroed in place.
 *
 * <p>Every {@code evalInterval} iterations, and at {@code maxIters}, {@link #estimateLoss()}
 * averages the loss of {@code evalIters} batches of each split in eval mode without gradients; a
 * new best validation loss (after iteration 0) writes a {@link Checkpoint} to {@code outDir}
 * holding the model, optimizer, schedule, the generator states from before that evaluation, the
 * iteration and the config. {@link TrainConfig.InitFrom#RESUME} reloads it and repeats that
 * evaluation and every later iteration exactly.
 *
 * <p>Speed is reported as tokens/s and as nanoGPT's MFU estimate: {@code 6N + 12·L·H·Q·T} FLOPs per
 * token ({@link #flopsPerToken}) times tokens per iteration, divided by the iteration time and by
 * {@code peakFlops}.
 */
public final class Trainer {
  /** nanoGPT's vocabulary size when the data directory has no {@code meta.json}. */
  public static final int DEFAULT_VOCAB = 50304;

  private final TrainConfig config;
  private final GPT2 model;
  private final GPT2Config modelConfig;
  private final Optimizer optimizer;
  private final Scheduler scheduler;
  private final Generator modelGen;
  private final Generator dataGen;
  private final TokenDataset trainData;
  private final TokenDataset valData;
  private final List<Tensor> params;
  private int startIter;
  private double bestValLoss = Double.POSITIVE_INFINITY;

  /**
   * Estimated train and validation loss.
   *
   * @param train mean loss over {@code evalIters} training batches
   * @param val mean loss over {@code evalIters} validation batches
   */
  public record Losses(double train, double val) {}

  /**
   * One evaluation of a run.
   *
   * @param iter the iteration (optimizer steps completed)
   * @param train estimated train loss
   * @param val estimated validation loss
   */
  public record Eval(int iter, double train, double val) {}

  /**
   * What {@link #train()} measured.
   *
   * @param trainLoss the last estimated train loss
   * @param valLoss the last estimated validation loss
   * @param bestValLoss the best validation loss seen (including a resumed run's earlier best)
   * @param medianMsPerIter median wall time of one iteration in milliseconds (NaN if none ran)
   * @param tokensPerSecond training tokens per second over the median iteration
   * @param mfu model FLOPs utilisation of the median iteration against {@code peakFlops}
   * @param iterLosses the training loss of each iteration run, in order
   * @param evals every evaluation, in order
   */
  public record Result(
      double trainLoss,
      double valLoss,
      double bestValLoss,
      double medianMsPerIter,
      double tokensPerSecond,
      double mfu,
      List<Double> iterLosses,
      List<Eval> evals) {}

  /**
   * Sets up a run.
   *
   * @throws IOException if the data, the checkpoint or the Hugging Face weights cannot be read
   * @throws IllegalArgumentException if the data directory lacks {@code train.bin} or {@code
   *     val.bin}, or a resumed checkpoint does not fit
   */
  public Trainer(TrainConfig config) throws IOException {
    this.config = config;
    Path data = Path.of(config.dataDir());
    for (String f : new String[] {"train.bin", "val.bin"}) {
      if (!Files.exists(data.resolve(f))) {
        throw new IllegalArgumentException(
            "Trainer: " + data.resolve(f) + " not found; run `residual gpt prepare` first");
      }
    }
    this.trainData = TokenDataset.open(data.resolve("train.bin"));
    this.valData = TokenDataset.open(data.resolve("val.bin"));
    this.modelGen = new Generator(config.seed());
    this.dataGen = new Generator(config.seed() + 1);
    Checkpoint.Contents ckpt = null;
    switch (config.initFrom()) {
      case SCRATCH -> {
        modelConfig = config.modelConfig(DataPrep.vocabSize(data, DEFAULT_VOCAB));
        model = new GPT2(modelConfig, modelGen);
      }
      case RESUME -> {
        ckpt = Checkpoint.load(Path.of(config.outDir()));
        model = modelFrom(ckpt);
        modelConfig = model.config();
      }
      case GPT2 -> {
        GPT2 pretrained = GPT2.fromPretrained(Path.of(config.hfDir()));
        GPT2Config pc = pretrained.config().withDropout(config.dropout());
        modelConfig =
            config.blockSize() < pc.blockSize() ? pc.withBlockSize(config.blockSize()) : pc;
        try (Init.Skip ignored = Init.skip()) { // the pretrained weights replace these
          model = new GPT2(modelConfig, modelGen);
        }
        Map<String, Tensor> sd = pretrained.stateDict();
        if (modelConfig.blockSize() < pc.blockSize()) {
          String key = "transformer.wpe.weight";
          sd.put(key, sd.get(key).slice(0, 0, modelConfig.blockSize(), 1).contiguous());
        }
        model.loadStateDict(sd, true);
      }
      default -> throw new IllegalStateException("Trainer: unknown initFrom " + config.initFrom());
    }
    this.params = model.parameters();
    this.optimizer =
        AdamW.builder()
            .lr(config.lr())
            .betas(config.beta1(), config.beta2())
            .weightDecay(config.weightDecay())
            .buildGroups(paramGroups(model, config.weightDecay()));
    this.scheduler =
        new Scheduler(
            optimizer,
            new WarmupCosine(
                config.lr(), config.warmupIters(), config.lrDecayIters(), config.minLr()));
    if (ckpt != null) {
      optimizer.loadStateDict(new OptimizerState(ckpt.optimizerTensors(), ckpt.optimizerState()));
      scheduler.loadStateDict(ckpt.schedule());
      modelGen.setState(ckpt.generators().get("model"));
      dataGen.setState(ckpt.generators().get("data"));
      startIter = (int) ckpt.step();
      Object best = ckpt.config().get("best_val_loss");
      if (best instanceof Number n) {
        bestValLoss = n.doubleValue();
      }
    }
  }

  /**
   * nanoGPT's {@code configure_optimizers} grouping: parameters with two or more dimensions (matmul
   * weights, embeddings) get {@code weightDecay}, the others (biases, LayerNorm gains) get none. A
   * tied weight appears once.
   *
   * @return two groups, decayed first
   */
  public static List<ParamGroup> paramGroups(Module model, double weightDecay) {
    List<Tensor> decay = new ArrayList<>();
    List<Tensor> noDecay = new ArrayList<>();
    for (Tensor p : model.parameters()) {
      (p.dim() >= 2 ? decay : noDecay).add(p);
    }
    return List.of(
        new ParamGroup(decay, Map.of("weight_decay", weightDecay)),
        new ParamGroup(noDecay, Map.of("weight_decay", 0.0)));
  }

  /**
   * nanoGPT's FLOPs per token of one forward and backward pass: {@code 6N + 12·L·H·Q·T}, with
   * {@code N} the parameters excluding the position embedding, {@code L} layers, {@code H} heads,
   * {@code Q} the head size and {@code T} the block size.
   */
  public static double flopsPerToken(GPT2Config c) {
    long n = GPT2.countParameters(c) - (long) c.blockSize() * c.nEmbd();
    return 6.0 * n + 12.0 * c.nLayer() * c.nHead() * c.headSize() * c.blockSize();
  }

  /** The model being trained. */
  public GPT2 model() {
    return model;
  }

  /** The model's configuration (the checkpoint's on resume). */
  public GPT2Config modelConfig() {
    return modelConfig;
  }

  /** The optimizer (two groups: decayed, not decayed). */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The iteration the next {@link #train()} starts at (non-zero after a resume). */
  public int startIter() {
    return startIter;
  }

  /**
   * Mean loss over {@code evalIters} random batches of each split, in eval mode and without
   * gradients; restores training mode afterwards. Draws from the data generator.
   */
  public Losses estimateLoss() {
    model.eval();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      double[] out = new double[2];
      TokenDataset[] splits = {trainData, valData};
      for (int s = 0; s < 2; s++) {
        double sum = 0;
        for (int k = 0; k < config.evalIters(); k++) {
          try (MemoryScope scope = MemoryScope.open()) {
            TokenDataset.Batch b =
                splits[s].batch(config.batchSize(), modelConfig.blockSize(), dataGen);
            sum += model.forward(b.x(), b.y()).loss().item();
          }
        }
        out[s] = sum / config.evalIters();
      }
      return new Losses(out[0], out[1]);
    } finally {
      model.train();
    }
  }

  /**
   * Runs the remaining iterations, evaluating, checkpointing and logging as configured.
   *
   * @throws IOException if a checkpoint cannot be written
   */
  public Result train() throws IOException {
    int blockSize = modelConfig.blockSize();
    long tokensPerIter = (long) config.batchSize() * config.gradAccum() * blockSize;
    double flopsPerIter = flopsPerToken(modelConfig) * tokensPerIter;
    List<Double> iterLosses = new ArrayList<>();
    List<Eval> evals = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    Map<String, Object> runConfig = new LinkedHashMap<>(config.toMap());
    runConfig.put("model", modelConfigToMap(modelConfig));
    RunOptions.Builder ro =
        RunOptions.builder()
            .project(config.project())
            .rootDir(Path.of(config.runsDir()))
            .console(config.console())
            .totalSteps(config.maxIters())
            .config(runConfig);
    if (!config.wandb()) {
      ro.wandbMode("disabled");
    }
    if (config.runName() != null) {
      ro.name(config.runName());
    }
    double lastTrain = Double.NaN;
    double lastVal = Double.NaN;
    model.train();
    try (Run run = Runs.start(ro.build())) {
      for (int iter = startIter; ; iter++) {
        if (iter % config.evalInterval() == 0 || iter == config.maxIters()) {
          long[] modelState = modelGen.getState();
          long[] dataState = dataGen.getState();
          Losses l = estimateLoss();
          lastTrain = l.train();
          lastVal = l.val();
          evals.add(new Eval(iter, l.train(), l.val()));
          run.log(
              iter,
              Map.of(
                  "train/loss_est", l.train(),
                  "val/loss", l.val(),
                  "lr", optimizer.paramGroups().get(0).lr()));
          boolean better = l.val() < bestValLoss;
          if (better) {
            bestValLoss = l.val();
          }
          if (iter > 0 && (better || config.alwaysSaveCheckpoint())) {
            saveCheckpoint(iter, modelState, dataState, runConfig);
          }
        }
        if (iter >= config.maxIters()) {
          break;
        }
        long t0 = System.nanoTime();
        double loss = step();
        double ms = (System.nanoTime() - t0) / 1e6;
        times.add(ms);
        iterLosses.add(loss);
        if (iter % config.logInterval() == 0) {
          run.log(
              iter,
              Map.of(
                  "train/loss",
                  loss,
                  "ms_per_iter",
                  ms,
                  "tokens_per_s",
                  tokensPerIter / (ms / 1e3),
                  "mfu",
                  flopsPerIter / (ms / 1e3) / config.peakFlops()));
        }
      }
      double median = median(times);
      double tps = tokensPerIter / (median / 1e3);
      double mfu = flopsPerIter / (median / 1e3) / config.peakFlops();
      run.summary("val_loss", lastVal);
      run.summary("median_ms_per_iter", median);
      return new Result(lastTrain, lastVal, bestValLoss, median, tps, mfu, iterLosses, evals);
    }
  }

  /**
   * One optimisation step: {@code gradAccum} micro-batches forward and backward, clipping, the
   * AdamW update and the schedule; returns the mean micro-batch loss. Marks its phases for {@link
   * Profiler}.
   */
  private double step() {
    int blockSize = modelConfig.blockSize();
    double lossSum = 0;
    try (MemoryScope scope = MemoryScope.open()) {
      Profiler.mark("(step start)");
      for (int micro = 0; micro < config.gradAccum(); micro++) {
        TokenDataset.Batch b = trainData.batch(config.batchSize(), blockSize, dataGen);
        Profiler.mark("(data)");
        Tensor loss = model.forward(b.x(), b.y()).loss();
        lossSum += loss.item();
        (config.gradAccum() == 1 ? loss : loss.div(config.gradAccum())).backward();
        Profiler.mark("(backward: leaf grads)");
      }
      if (config.gradClip() > 0) {
        GradClip.clipGradNorm(params, config.gradClip());
        Profiler.mark("(grad clip)");
      }
      optimizer.step();
      scheduler.step();
      Profiler.mark("(AdamW step)");
      optimizer.zeroGrad(false);
    }
    Profiler.mark("(free step memory)");
    return lossSum / config.gradAccum();
  }

  /**
   * Profiles training: runs {@code warmup} steps, then {@code iters} steps under a {@link
   * Profiler}, and returns it (closed). These are real updates of the model, optimizer and data
   * stream, so use a fresh trainer for this rather than one whose run matters. Print {@link
   * Profiler#table()} for the breakdown by op; {@code elapsedNanos() / iters} is the time per step.
   *
   * @throws IllegalArgumentException if {@code warmup < 0} or {@code iters < 1}
   */
  public Profiler profile(int warmup, int iters) {
    if (warmup < 0 || iters < 1) {
      throw new IllegalArgumentException(
          "Trainer.profile: need warmup >= 0 and iters >= 1, got " + warmup + ", " + iters);
    }
    model.train();
    for (int i = 0; i < warmup; i++) {
      step();
    }
    try (Profiler prof = Profiler.start()) {
      for (int i = 0; i < iters; i++) {
        step();
      }
      return prof;
    }
  }

  private void saveCheckpoint(
      int iter, long[] modelState, long[] dataState, Map<String, Object> runConfig)
      throws IOException {
    OptimizerState os = optimizer.stateDict();
    Map<String, Object> cfg = new LinkedHashMap<>(runConfig);
    cfg.put("best_val_loss", bestValLoss);
    Map<String, Object> sched = scheduler.stateDict();
    Map<String, long[]> gens = new LinkedHashMap<>();
    gens.put("model", modelState);
    gens.put("data", dataState);
    Checkpoint.save(
        Path.of(config.outDir()),
        new Checkpoint.Contents(
            iter, model.stateDict(), os.tensors(), os.meta(), sched, gens, cfg));
  }

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }

  /** {@code c} as a JSON-serialisable map (the inverse of {@link #modelConfigFromMap}). */
  public static Map<String, Object> modelConfigToMap(GPT2Config c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n_layer", c.nLayer());
    m.put("n_head", c.nHead());
    m.put("n_embd", c.nEmbd());
    m.put("block_size", c.blockSize());
    m.put("vocab_size", c.vocabSize());
    m.put("dropout", c.dropout());
    m.put("bias", c.bias());
    m.put("layer_norm_eps", c.layerNormEps());
    m.put("activation", c.activation().name());
    m.put("tie_weights", c.tieWeights());
    return m;
  }

  /**
   * The model a training checkpoint holds: its config from the checkpoint's {@code "model"} entry,
   * its weights from the checkpoint (built without drawing random weights first).
   *
   * @throws IllegalArgumentException if the config entry is missing or malformed, or a weight is
   *     missing or misshapen
   */
  public static GPT2 modelFrom(Checkpoint.Contents ckpt) {
    @SuppressWarnings("unchecked")
    Map<String, Object> mc = (Map<String, Object>) ckpt.config().get("model");
    GPT2 model;
    try (Init.Skip ignored = Init.skip()) { // the checkpoint's weights replace these
      model = new GPT2(modelConfigFromMap(mc), 0);
    }
    model.loadStateDict(ckpt.model(), true);
    return model;
  }

  /**
   * Reads a model config written by {@link #modelConfigToMap}.
   *
   * @throws IllegalArgumentException if {@code m} is null or an entry is missing
   */
  public static GPT2Config modelConfigFromMap(Map<String, Object> m) {
    if (m == null) {
      throw new IllegalArgumentException("Trainer: checkpoint config has no 'model' entry");
    }
    try {
      return new GPT2Config(
          ((Number) m.get("n_layer")).intValue(),
          ((Number) m.get("n_head")).intValue(),
          ((Number) m.get("n_embd")).intValue(),
          ((Number) m.get("block_size")).intValue(),
          ((Number) m.get("vocab_size")).intValue(),
          ((Number) m.get("dropout")).doubleValue(),
          (Boolean) m.get("bias"),
          ((Number) m.get("layer_norm_eps")).doubleValue(),
          GPT2Config.Activation.valueOf((String) m.get("activation")),
          (Boolean) m.get("tie_weights"));
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("Trainer: malformed model config " + m, e);
    }
  }
}
