package dev.residual.examples.interp;

import dev.residual.interp.ActivationCache;
import dev.residual.interp.Composition;
import dev.residual.interp.HeadDetectors;
import dev.residual.interp.Hook;
import dev.residual.interp.HookNames;
import dev.residual.interp.HookedTransformer;
import dev.residual.interp.InductionStudy;
import dev.residual.interp.Patching;
import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The tour of {@code docs/interp.md}: the interp module's instruments applied to the model of the
 * short induction-heads study (trained in ~15 s on 2 cores). Every block of the page is a region of
 * this file, and a test runs it and checks what it prints.
 */
public final class InductionTour {
  private InductionTour() {}

  /** Runs the tour and prints its findings. */
  public static void main(String[] args) {
    // region train
    InductionStudy.Result study = InductionStudy.run(InductionStudy.Config.quick(), null, null);
    HookedTransformer model = study.model(); // 2 layers x 2 heads, d_model 64, vocab 128
    System.out.print(study.summaryWithCircuits());
    // endregion

    // region cache
    Tensor tokens = HeadDetectors.repeatedTokens(8, 15, 128, 0, new Generator(7)); // [8, 31]
    HookedTransformer.CacheRun run = model.runWithCache(tokens);
    ActivationCache cache = run.cache();
    Tensor pattern = cache.get("pattern", 1); // blocks.1.attn.hook_pattern [batch, head, q, k]
    Tensor keys = cache.get(HookNames.actName("k", 0, "a")); // blocks.0.attn.hook_k [b, pos, h, e]
    System.out.println("logits " + Arrays.toString(run.logits().shape()));
    System.out.println("pattern " + Arrays.toString(pattern.shape()));
    System.out.println("keys " + Arrays.toString(keys.shape()));
    // endregion

    // region detectors
    Tensor prev = HeadDetectors.previousTokenScores(cache, 2); // [layer, head]
    Tensor induction = HeadDetectors.inductionScores(cache, 2, 15);
    double[] halves = HeadDetectors.inductionLoss(model, tokens, 15);
    System.out.printf(
        Locale.ROOT,
        "previous-token scores %s%ninduction scores %s%nloss: first copy %.2f, repeat %.2f%n",
        Arrays.toString(prev.toFloatArray()),
        Arrays.toString(induction.toFloatArray()),
        halves[0],
        halves[1]);
    // endregion

    // region ablation
    int prevHead = study.previousTokenHead();
    Hook zeroHead =
        (z, ctx) -> { // z: [batch, pos, head, d_head]; silence one head
          float[] keep = new float[(int) z.shape()[2]];
          Arrays.fill(keep, 1f);
          keep[prevHead] = 0f;
          return z.mul(Tensor.of(keep, 1, 1, keep.length, 1));
        };
    try (HookedTransformer.HookScope scope =
        model.hooks(List.of(Hook.at("blocks.0.attn.hook_z", zeroHead)))) {
      double[] ablated = HeadDetectors.inductionLoss(model, tokens, 15);
      System.out.printf(
          Locale.ROOT,
          "without L0H%d: loss on the repeat %.2f (was %.2f)%n",
          prevHead,
          ablated[1],
          halves[1]);
    } // the hook is gone here, even if the run had thrown
    // endregion

    // region patching
    // Corrupt the repeat: fresh random tokens where the copy was.
    Tensor fresh = Tensor.randint(new Generator(8), 1, 128, 8, 15);
    Tensor corrupted = Tensor.cat(1, tokens.slice(1, 0, 16, 1), fresh); // slices are copies
    long[] targets = tokens.toLongArray();
    // Metric: mean log-probability of the clean repeat's next tokens at positions 16..29.
    Function<Tensor, Tensor> metric =
        logits -> {
          Tensor logp = F.logSoftmax(logits.slice(1, 16, 30, 1), -1); // [batch, 14, vocab]
          long[] next = new long[8 * 14];
          for (int b = 0; b < 8; b++) {
            for (int i = 0; i < 14; i++) {
              next[b * 14 + i] = targets[b * 31 + 17 + i];
            }
          }
          return logp.gather(2, Tensor.of(next, 8, 14, 1)).mean();
        };
    Tensor byHead = Patching.byHead(model, tokens, corrupted, metric); // [layer, head]
    System.out.println("patching head outputs into the corrupted run: " + byHead);
    // endregion

    // region circuits
    Tensor kComp = Composition.all(model, Composition.Kind.K); // [L, H, L, H]
    double baseline = Composition.randomBaseline(model, 100, new Generator(9));
    System.out.printf(
        Locale.ROOT,
        "K-composition of L1H%d with L0H%d: %.3f (random %.3f)%n",
        study.bestInductionHead(),
        prevHead,
        kComp
            .select(0, 0)
            .select(0, prevHead)
            .select(0, 1)
            .select(0, study.bestInductionHead())
            .item(),
        baseline);
    double copying =
        model
            .OV()
            .leftTimes(model.W_E())
            .times(model.W_U())
            .eigenvalues()
            .positivity()
            .select(0, 1)
            .select(0, study.bestInductionHead())
            .item();
    System.out.printf(
        Locale.ROOT, "OV eigenvalue positivity of the induction head: %.3f%n", copying);
    // endregion
  }
}
