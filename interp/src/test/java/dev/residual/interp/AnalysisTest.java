package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private static final HookedTransformer HT =
      HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));

  @Test
  void decompositionsSumToTheResidualStream() {
    ActivationCache c;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      c = HT.runWithCache(HookedTransformerTest.tokens()).cache();
    }
    ActivationCache.Stack parts = c.decomposeResid(2);
    assertEquals(
        List.of("embed", "pos_embed", "0_attn_out", "0_mlp_out", "1_attn_out", "1_mlp_out"),
        parts.labels());
    assertTrue(HookedTransformerTest.maxDiff(parts.stack().sum(0), c.get("resid_post", -1)) < 1e-4);
    assertTrue(
        HookedTransformerTest.maxDiff(c.decomposeResid(1).stack().sum(0), c.get("resid_pre", 1))
            < 1e-4);
    ActivationCache.Stack acc = c.accumulatedResid(2, true);
    assertEquals(List.of("0_pre", "0_mid", "1_pre", "1_mid", "final_post"), acc.labels());
    assertArrayEquals(new long[] {5, 3, 11, 32}, acc.stack().shape());
    ActivationCache.Stack heads = c.stackHeadResults(2);
    assertEquals(8, heads.labels().size());
    assertEquals("L1H3", heads.labels().get(7));
    Tensor layer1 = heads.stack().slice(0, 4, 8, 1).sum(0).add(HT.b_O().select(0, 1));
    assertTrue(HookedTransformerTest.maxDiff(layer1, c.get("attn_out", 1)) < 1e-4);
    assertThrows(IllegalArgumentException.class, () -> c.decomposeResid(3));
  }

  /** A hook that replaces one head's pattern by "each query attends to key q - offset". */
  private static Hook forcePattern(int head, int offset, int firstQuery) {
    return (act, ctx) -> {
      long[] s = act.shape();
      int b = (int) s[0];
      int h = (int) s[1];
      int t = (int) s[2];
      float[] p = act.toFloatArray();
      for (int bi = 0; bi < b; bi++) {
        for (int q = 0; q < t; q++) {
          int base = ((bi * h + head) * t + q) * t;
          java.util.Arrays.fill(p, base, base + t, 0f);
          int key = q >= firstQuery && q - offset >= 0 ? q - offset : q;
          p[base + key] = 1f;
        }
      }
      return Tensor.of(p, s);
    };
  }

  @Test
  void detectorsScoreOneForHeadsForcedToTheirPattern() {
    int n = 6;
    Tensor rep = HeadDetectors.repeatedTokens(2, n, 29, 0, new Generator(4));
    long[] ids = rep.toLongArray();
    assertEquals(0, ids[0]);
    assertEquals(ids[1], ids[1 + n]);
    assertEquals(ids[2 * n], ids[n]);
    ActivationCache c;
    try (Tensor.NoGrad ignored = Tensor.noGrad();
        HookedTransformer.HookScope s =
            HT.hooks(
                List.of(
                    Hook.at("blocks.0.attn.hook_pattern", forcePattern(1, 1, 1)),
                    Hook.at("blocks.0.attn.hook_pattern", forcePattern(2, n, n + 1)),
                    Hook.at("blocks.1.attn.hook_pattern", forcePattern(3, n - 1, n + 1))))) {
      c = HT.runWithCache(rep).cache();
    }
    float[] prev = HeadDetectors.previousTokenScores(c, 2).toFloatArray();
    float[] dup = HeadDetectors.duplicateTokenScores(c, 2, n).toFloatArray();
    float[] ind = HeadDetectors.inductionScores(c, 2, n).toFloatArray();
    assertEquals(1f, prev[1], 1e-6);
    assertEquals(1f, dup[2], 1e-6);
    assertEquals(1f, ind[4 + 3], 1e-6);
    for (int i = 0; i < 8; i++) {
      if (i != 1) {
        assertTrue(prev[i] < 0.9, "head " + i + " prev " + prev[i]);
      }
      if (i != 7) {
        assertTrue(ind[i] < 0.9, "head " + i + " induction " + ind[i]);
      }
    }
    double[] loss = HeadDetectors.inductionLoss(HT, rep, n);
    assertTrue(Double.isFinite(loss[0]) && Double.isFinite(loss[1]));
    assertThrows(IllegalArgumentException.class, () -> HeadDetectors.inductionLoss(HT, rep, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> HeadDetectors.repeatedTokens(1, 4, 29, 29, new Generator(0)));
  }

  @Test
  void logitAttributionsOfTheFullDecompositionAddUpToTheLogits() {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true))
            .processWeights(true, true, true, true);
    Tensor tokens = HookedTransformerTest.tokens();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      HookedTransformer.CacheRun run = ht.runWithCache(tokens);
      ActivationCache c = run.cache();
      Tensor answers = Tensor.randint(new Generator(5), 0, 29, 3, 11);
      Tensor wrong = Tensor.randint(new Generator(6), 0, 29, 3, 11);
      Tensor attrs = c.logitAttrs(c.decomposeResid(2).stack(), answers, null); // [6, 3, 11]
      Tensor logits = run.logits(); // [3, 11, 29]
      Tensor picked = logits.gather(2, answers.unsqueeze(2)).squeeze(2);
      Tensor bias = ht.b_U().indexSelect(0, answers.reshape(33)).reshape(3, 11);
      assertTrue(HookedTransformerTest.maxDiff(attrs.sum(0).add(bias), picked) < 1e-4);
      Tensor diff = c.logitAttrs(c.decomposeResid(2).stack(), answers, wrong).sum(0);
      Tensor pickedWrong = logits.gather(2, wrong.unsqueeze(2)).squeeze(2);
      Tensor biasWrong = ht.b_U().indexSelect(0, wrong.reshape(33)).reshape(3, 11);
      assertTrue(
          HookedTransformerTest.maxDiff(diff, picked.sub(pickedWrong).sub(bias).add(biasWrong))
              < 1e-4);
      assertThrows(
          IllegalArgumentException.class,
          () -> c.logitAttrs(c.decomposeResid(2).stack(), answers.reshape(33, 1), null));
    }
  }

  @Test
  void theLogitLensEndsAtTheModelsOwnLogProbabilities() {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true))
            .processWeights(true, true, true, true);
    Tensor tokens = HookedTransformerTest.tokens();
    Tensor answers = Tensor.randint(new Generator(7), 0, 29, 3, 11);
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      HookedTransformer.CacheRun run = ht.runWithCache(tokens);
      ActivationCache.Stack lens = run.cache().logitLens(answers);
      assertEquals(List.of("0_pre", "1_pre", "final_post"), lens.labels());
      Tensor want =
          dev.residual.nn.functional.F.logSoftmax(run.logits(), -1)
              .gather(2, answers.unsqueeze(2))
              .squeeze(2);
      assertTrue(HookedTransformerTest.maxDiff(lens.stack().select(0, 2), want) < 1e-4);
      assertThrows(
          IllegalArgumentException.class, () -> run.cache().logitLens(answers.reshape(33, 1)));
    }
  }
}
