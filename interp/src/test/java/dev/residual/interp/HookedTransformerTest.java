package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HookedTransformerTest {
  static GPT2 model(GPT2Config.Activation act, boolean bias) {
    GPT2 m =
        new GPT2(new GPT2Config(2, 4, 32, 16, 29, 0.0, bias, 1e-5, act, true), new Generator(3));
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Tensor p : m.parameters()) {
        p.muli(5.0); // sharper attention than the 0.02 init, so differences would show
      }
    }
    m.eval();
    return m;
  }

  static Tensor tokens() {
    return Tensor.randint(new Generator(9), 0, 29, 3, 11);
  }

  static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item();
  }

  @Test
  void logitsEqualTheSourceGpt2WithoutHooks() {
    for (GPT2Config.Activation act : GPT2Config.Activation.values()) {
      for (boolean bias : new boolean[] {true, false}) {
        GPT2 m = model(act, bias);
        HookedTransformer ht = HookedTransformer.fromGPT2(m);
        try (Tensor.NoGrad ignored = Tensor.noGrad()) {
          Tensor want = m.forward(tokens());
          // Relative to the logits' scale (the 5x weights give logits of ~10).
          double scale = Math.max(1.0, want.abs().max().item());
          double d = maxDiff(ht.forward(tokens()), want) / scale;
          assertTrue(d < 1e-5, act + " bias " + bias + ": max relative diff " + d);
        }
      }
    }
  }

  @Test
  void weightsHaveTransformerLensShapes() {
    HookedTransformer ht = HookedTransformer.fromGPT2(model(GPT2Config.Activation.GELU, true));
    assertArrayEquals(new long[] {29, 32}, ht.W_E().shape());
    assertArrayEquals(new long[] {16, 32}, ht.W_pos().shape());
    assertArrayEquals(new long[] {2, 4, 32, 8}, ht.W_Q().shape());
    assertArrayEquals(new long[] {2, 4, 8, 32}, ht.W_O().shape());
    assertArrayEquals(new long[] {2, 4, 8}, ht.b_V().shape());
    assertArrayEquals(new long[] {2, 32, 128}, ht.W_in().shape());
    assertArrayEquals(new long[] {2, 128, 32}, ht.W_out().shape());
    assertArrayEquals(new long[] {32, 29}, ht.W_U().shape());
  }

  @Test
  void cacheHoldsEveryHookWithTransformerLensShapes() {
    HookedTransformer ht = HookedTransformer.fromGPT2(model(GPT2Config.Activation.GELU, true));
    ht.setUseAttnResult(true);
    HookedTransformer.CacheRun run;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      run = ht.runWithCache(tokens());
    }
    ActivationCache c = run.cache();
    assertEquals(ht.hookNames().size(), c.size());
    assertArrayEquals(new long[] {3, 11, 32}, c.get("hook_embed").shape());
    assertArrayEquals(new long[] {3, 11, 4, 8}, c.get("k", 1).shape());
    assertArrayEquals(new long[] {3, 4, 11, 11}, c.get("pattern", 0).shape());
    assertArrayEquals(new long[] {3, 11, 4, 32}, c.get("result", -1).shape());
    assertArrayEquals(new long[] {3, 11, 128}, c.get("post", 0).shape());
    assertArrayEquals(new long[] {3, 11, 1}, c.get("scale", 1, "ln2").shape());
    assertEquals(c.get("blocks.1.hook_resid_post"), c.get("resid_post", -1));
    // Causal: a query never attends to a later key.
    float[] p = c.get("pattern", 1).toFloatArray();
    for (int q = 0; q < 11; q++) {
      for (int k = q + 1; k < 11; k++) {
        assertEquals(0f, p[q * 11 + k]);
      }
    }
    // Per-head results plus the output bias add up to attn_out.
    Tensor sum = c.get("result", 0).sum(2).add(ht.b_O().select(0, 0));
    assertTrue(maxDiff(sum, c.get("attn_out", 0)) < 1e-5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.get("resid_post", 2));
    assertTrue(e.getMessage().contains("outside a model of 2 layers"), e.getMessage());
  }

  @Test
  void identityHooksChangeNothingAndAblationChangesTheLogits() {
    HookedTransformer ht = HookedTransformer.fromGPT2(model(GPT2Config.Activation.GELU_TANH, true));
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor clean = ht.forward(tokens());
      AtomicInteger calls = new AtomicInteger();
      List<Hook.Named> identity =
          ht.hookNames().stream()
              .filter(n -> !n.endsWith("hook_result"))
              .map(
                  n ->
                      Hook.at(
                          n,
                          (act, ctx) -> {
                            calls.incrementAndGet();
                            return act;
                          }))
              .toList();
      // Observed points run unfused; the identity hooks must reproduce that run exactly, and it
      // must match the fused run (no observers) to float rounding.
      Tensor observed = ht.runWithCache(tokens()).logits();
      assertEquals(0.0, maxDiff(ht.runWithHooks(tokens(), identity), observed));
      double scale = clean.abs().max().item();
      assertTrue(maxDiff(observed, clean) / scale < 1e-5, "fused vs hooked attention");
      assertEquals(identity.size(), calls.get());
      Tensor ablated =
          ht.runWithHooks(
              tokens(), List.of(Hook.at("blocks.0.attn.hook_z", (act, ctx) -> act.mul(0.0))));
      assertTrue(maxDiff(ablated, clean) > 1e-3);
      assertEquals(0.0, maxDiff(ht.forward(tokens()), clean), "runWithHooks removed its hooks");
    }
  }

  @Test
  void patchingARunWithItsOwnCacheReproducesItsLogits() {
    HookedTransformer ht = HookedTransformer.fromGPT2(model(GPT2Config.Activation.GELU, false));
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      HookedTransformer.CacheRun run = ht.runWithCache(tokens(), n -> n.endsWith("hook_resid_pre"));
      Tensor other = Tensor.randint(new Generator(1), 0, 29, 3, 11);
      // Overwrite the residual stream at layer 1 with the first run's: the rest follows it.
      Tensor patched =
          ht.runWithHooks(
              other,
              List.of(
                  Hook.at(
                      "blocks.1.hook_resid_pre",
                      (act, ctx) -> run.cache().get("resid_pre", ctx.layer()))));
      // Positions use W_pos only through the residual stream, so the logits are the first run's.
      assertTrue(maxDiff(patched, run.logits()) < 1e-5);
    }
  }

  @Test
  void hookScopeRemovesItsHooksEvenWhenTheRunFails() {
    HookedTransformer ht = HookedTransformer.fromGPT2(model(GPT2Config.Activation.GELU, true));
    Hook.Named bad = Hook.at("blocks.0.hook_resid_pre", (act, ctx) -> act.sum(-1));
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor clean = ht.forward(tokens());
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> {
                try (HookedTransformer.HookScope s = ht.hooks(List.of(bad))) {
                  ht.forward(tokens());
                }
              });
      assertTrue(e.getMessage().contains("returned shape [3, 11]"), e.getMessage());
      assertEquals(0.0, maxDiff(ht.forward(tokens()), clean));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ht.hooks(List.of(Hook.at("blocks.0.attn.hook_patern", (a, c) -> a))));
    assertTrue(
        e.getMessage().contains("no hook point 'blocks.0.attn.hook_patern'"), e.getMessage());
  }

  @Test
  void actNameExpandsTransformerLensShorthand() {
    assertEquals("blocks.6.attn.hook_k", HookNames.actName("k", 6, "a"));
    assertEquals("blocks.2.hook_resid_post", HookNames.actName("resid_post", 2, null));
    assertEquals("blocks.0.ln1.hook_scale", HookNames.actName("scale", 0, "ln1"));
    assertEquals("ln_final.hook_normalized", HookNames.actName("normalized", 0, "ln_final"));
    assertEquals("blocks.3.mlp.hook_post", HookNames.actName("post", 3, null));
    assertEquals("hook_embed", HookNames.actName("embed", 0, null));
    assertEquals("blocks.1.attn.hook_z", HookNames.actName("blocks.1.attn.hook_z", 0, null));
    assertThrows(IllegalArgumentException.class, () -> HookNames.actName("scale", 0, null));
    assertThrows(IllegalArgumentException.class, () -> HookNames.actName("nope", 0, null));
  }

  @Test
  void weightProcessingLeavesLogProbabilitiesUnchanged() {
    boolean[][] options = {
      {true, false, false, false},
      {false, true, false, false},
      {false, false, true, false},
      {false, false, false, true},
      {true, true, true, true}
    };
    for (boolean bias : new boolean[] {true, false}) {
      GPT2 m = model(GPT2Config.Activation.GELU, bias);
      // Give the LayerNorms non-trivial weights and biases, so folding them matters.
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Generator g = new Generator(11);
        for (var e : m.namedParameters().entrySet()) {
          if (e.getKey().contains("ln_")) {
            e.getValue().addi(Tensor.randn(g, e.getValue().shape()).mul(0.3));
          }
        }
      }
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Tensor want = dev.residual.nn.functional.F.logSoftmax(m.forward(tokens()), -1);
        for (boolean[] o : options) {
          HookedTransformer ht =
              HookedTransformer.fromGPT2(m).processWeights(o[0], o[1], o[2], o[3]);
          Tensor got = dev.residual.nn.functional.F.logSoftmax(ht.forward(tokens()), -1);
          double scale = Math.max(1.0, want.abs().max().item());
          double d = maxDiff(got, want) / scale;
          assertTrue(d < 1e-5, java.util.Arrays.toString(o) + " bias " + bias + ": " + d);
        }
        HookedTransformer all =
            HookedTransformer.fromGPT2(m).processWeights(true, true, true, true);
        assertTrue(all.W_U().mean(0).abs().max().item() < 1e-5, "W_U centred over d_model");
        assertTrue(all.W_E().mean(-1).abs().max().item() < 1e-5, "W_E centred");
        assertEquals(0.0, all.b_V().abs().max().item(), "value biases folded away");
      }
    }
  }
}
