package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.optim.Optimizer;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttnOnlyTest {
  @Test
  void attentionOnlyModelsHaveNoMlpHooksAndTrain() {
    Generator g = new Generator(1);
    HookedTransformer m = HookedTransformer.attnOnly(2, 2, 16, 13, 11, false, g);
    assertTrue(m.isAttnOnly());
    assertFalse(m.hookNames().stream().anyMatch(n -> n.contains("mlp") || n.contains("ln")));
    assertTrue(m.hookNames().contains("blocks.1.hook_resid_post"));
    assertThrows(IllegalStateException.class, m::W_in);
    assertThrows(IllegalStateException.class, () -> m.processWeights(true, false, false, false));
    Optimizer opt = AdamW.builder().lr(1e-2).weightDecay(0.0).build(m.parameters());
    Tensor toks = HeadDetectors.repeatedTokens(8, 6, 11, 0, new Generator(2));
    Tensor x = toks.slice(1, 0, 12, 1);
    Tensor y = toks.slice(1, 1, 13, 1);
    double first = Double.NaN;
    double last = Double.NaN;
    for (int step = 0; step < 60; step++) {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor loss = F.crossEntropy(m.forward(x), y);
        if (step == 0) {
          first = loss.item();
        }
        last = loss.item();
        opt.zeroGrad(true);
        loss.backward();
        opt.step();
      }
    }
    assertTrue(last < first - 0.5, first + " -> " + last);
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      ActivationCache c = m.runWithCache(toks).cache();
      Tensor sum = c.decomposeResid(2).stack().sum(0);
      assertTrue(HookedTransformerTest.maxDiff(sum, c.get("resid_post", 1)) < 1e-4);
      assertEquals(2 * 2, c.stackHeadResults(2).labels().size());
    }
  }

  @Test
  void fusedAttentionGivesTheHookedPathsLossAndGradients() {
    for (boolean ln : new boolean[] {false, true}) {
      HookedTransformer m = HookedTransformer.attnOnly(2, 3, 12, 9, 7, ln, new Generator(5));
      Tensor toks = Tensor.randint(new Generator(6), 0, 7, 4, 9);
      Tensor x = toks.slice(1, 0, 8, 1);
      Tensor y = toks.slice(1, 1, 9, 1);
      // No observers: fused kernels. A cache of every point: the einsum path with its hooks.
      Tensor fused = F.crossEntropy(m.forward(x), y);
      java.util.List<Tensor> gFused = dev.residual.tensor.Autograd.grad(fused, m.parameters());
      Tensor hooked = F.crossEntropy(m.runWithCache(x).logits(), y);
      java.util.List<Tensor> gHooked = dev.residual.tensor.Autograd.grad(hooked, m.parameters());
      assertEquals(hooked.item(), fused.item(), 1e-6);
      for (int i = 0; i < gFused.size(); i++) {
        double scale = Math.max(1e-3, gHooked.get(i).abs().max().item());
        double d = HookedTransformerTest.maxDiff(gFused.get(i), gHooked.get(i)) / scale;
        assertTrue(d < 1e-4, "ln " + ln + ", parameter " + i + ": relative grad diff " + d);
      }
    }
  }

  @Test
  void backwardHooksSeeActivationGradientsAndMayReplaceThem() {
    HookedTransformer m = HookedTransformer.attnOnly(2, 2, 8, 7, 9, true, new Generator(11));
    Tensor toks = Tensor.randint(new Generator(12), 0, 9, 3, 7);
    java.util.function.Function<Tensor, Tensor> metric = logits -> logits.select(1, 6).sum();
    java.util.Map<String, Tensor> seen = new java.util.HashMap<>();
    java.util.List<Hook.Named> record =
        java.util.List.of(
            Hook.at(
                "blocks.0.hook_resid_post",
                (g, ctx) -> {
                  seen.put(ctx.name(), g);
                  return null;
                }),
            Hook.at(
                "blocks.1.attn.hook_pattern",
                (g, ctx) -> {
                  seen.put(ctx.name(), g);
                  return null;
                }));
    Tensor logits = m.runWithHooks(toks, java.util.List.of(), record);
    metric.apply(logits).backward(); // the hooks fire here, after the run returned
    HookedTransformer.CacheRun ref =
        m.runWithCacheAndGrads(
            toks,
            n -> n.equals("blocks.0.hook_resid_post") || n.equals("blocks.1.attn.hook_pattern"),
            metric);
    for (String name : seen.keySet()) {
      Tensor want = ref.cache().get(name + "_grad");
      assertEquals(0.0, HookedTransformerTest.maxDiff(seen.get(name), want), 1e-6, name);
    }
    assertEquals(2, seen.size());
    // Replacing the gradient at hook_embed with zeros cuts W_E off from the loss.
    for (Tensor p : m.parameters()) {
      p.zeroGrad();
    }
    Tensor out =
        m.runWithHooks(
            toks,
            java.util.List.of(),
            java.util.List.of(Hook.at("hook_embed", (g, ctx) -> Tensor.zerosLike(g))));
    metric.apply(out).backward();
    assertEquals(0.0, m.W_E().grad().abs().max().item());
    assertTrue(m.W_pos().grad().abs().max().item() > 0, "positions still learn");
    // Scopes remove backward hooks too; without grad they are refused by name.
    seen.clear();
    metric.apply(m.forward(toks)).backward();
    assertTrue(seen.isEmpty());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> {
              try (Tensor.NoGrad ignored = Tensor.noGrad()) {
                m.runWithHooks(toks, java.util.List.of(), record);
              }
            });
    assertTrue(e.getMessage().contains("blocks.0.hook_resid_post"), e.getMessage());
  }
}
