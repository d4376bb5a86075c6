package dev.residual.examples.walkthrough;

import dev.residual.optim.ParamGroup;
import dev.residual.optim.schedule.WarmupCosine;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.train.DataPrep;
import dev.residual.transformer.train.TrainConfig;
import dev.residual.transformer.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Walkthrough, part 4: the training loop. {@code main(dataDir outDir runsDir)} runs the baby
 * Shakespeare run the docs quote (as {@code residual gpt train} does); with no arguments it trains
 * a tiny model for a few dozen iterations on {@link BabyModel#SAMPLE} in a temporary directory.
 */
public final class Training {
  private Training() {}

  /** nanoGPT's baby Shakespeare run, setting by setting. */
  public static TrainConfig babyRun(String dataDir, String outDir, String runsDir) {
    // region config
    TrainConfig config =
        TrainConfig.builder()
            .dataDir(dataDir) // train.bin, val.bin, meta.json from `residual gpt prepare`
            .outDir(outDir) // checkpoint, written on each new best validation loss
            .runsDir(runsDir) // metrics.jsonl and an HTML report of the run
            .model(4, 4, 128) // nLayer, nHead, nEmbd
            .blockSize(64) // context: 64 characters
            .bias(false) // no biases in Linear and LayerNorm layers
            .dropout(0.0)
            .activation(GPT2Config.Activation.GELU) // exact GELU, as nanoGPT's nn.GELU()
            .batchSize(12) // sequences per micro-batch
            .gradAccum(1) // micro-batches per optimizer step
            .maxIters(2000) // optimizer steps
            .lr(1e-3) // peak learning rate
            .warmupIters(100) // linear warmup from ~0 to lr
            .lrDecayIters(2000) // cosine decay from lr ...
            .minLr(1e-4) // ... down to lr / 10
            .betas(0.9, 0.99) // AdamW's moment decay rates
            .weightDecay(0.1) // on matrices and embeddings only
            .gradClip(1.0) // clip the global gradient norm at 1
            .evalInterval(250) // estimate train/val loss every 250 steps ...
            .evalIters(20) // ... on 20 batches of each
            .seed(1337)
            .console(false)
            .build();
    // endregion
    return config;
  }

  /** Runs the baby run on {@code args}, or a tiny run in a temporary directory. */
  public static void main(String[] args) throws IOException {
    // region schedule
    WarmupCosine schedule = new WarmupCosine(1e-3, 100, 2000, 1e-4);
    for (int it : new int[] {0, 50, 99, 100, 500, 1000, 1500, 2000, 2500}) {
      System.out.printf("iter %4d: lr %.6f%n", it, schedule.lr(it));
    }
    // endregion

    // region groups
    GPT2 model = new GPT2(babyRun("d", "o", "r").modelConfig(65), 1337);
    for (ParamGroup group : Trainer.paramGroups(model, 0.1)) {
      long n = group.params().stream().mapToLong(Tensor::numel).sum();
      System.out.printf(
          "weight_decay %.1f: %d tensors, %,d parameters%n",
          group.getDouble("weight_decay"), group.params().size(), n);
    }
    // endregion

    TrainConfig config;
    if (args.length >= 3) {
      config = babyRun(args[0], args[1], args[2]);
    } else {
      Path tmp = Files.createTempDirectory("walkthrough-train");
      Files.writeString(tmp.resolve("input.txt"), BabyModel.SAMPLE.repeat(30));
      DataPrep.prepare(tmp.resolve("input.txt"), DataPrep.TokenizerKind.CHAR, tmp.resolve("data"));
      config =
          babyRun(tmp.resolve("data").toString(), tmp.resolve("out").toString(), tmp.toString())
              .toBuilder()
              .model(1, 2, 32)
              .blockSize(32)
              .batchSize(8)
              .maxIters(60)
              .warmupIters(10)
              .lrDecayIters(60)
              .lr(1e-2)
              .evalInterval(20)
              .evalIters(4)
              .build();
    }
    // region train
    Trainer trainer = new Trainer(config);
    Trainer.Result result = trainer.train();
    for (Trainer.Eval e : result.evals()) {
      System.out.printf("step %4d: train loss %.4f, val loss %.4f%n", e.iter(), e.train(), e.val());
    }
    // endregion
    List<Double> losses = result.iterLosses();
    System.out.printf(
        "first iteration loss %.4f, last %.4f, median %.1f ms/iter%n",
        losses.get(0), losses.get(losses.size() - 1), result.medianMsPerIter());
  }
}
