package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2Config;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PatchingTest {
  private static final HookedTransformer HT =
      HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));

  private static final Tensor CLEAN = Tensor.of(new long[] {3, 7, 11, 2, 9, 4, 5, 6}, 1, 8);
  private static final Tensor CORRUPT = Tensor.of(new long[] {3, 7, 20, 2, 9, 4, 5, 6}, 1, 8);
  private static final Function<Tensor, Tensor> METRIC =
      Patching.logitDiff(new long[] {1}, new long[] {2});

  private static double metric(Tensor tokens) {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      return METRIC.apply(HT.forward(tokens)).item();
    }
  }

  @Test
  void patchingTheResidualStreamWhereTheInputsDifferRestoresTheCleanMetric() {
    double clean = metric(CLEAN);
    double corrupt = metric(CORRUPT);
    Tensor grid = Patching.byLayerAndPosition(HT, CLEAN, CORRUPT, "resid_pre", METRIC);
    float[] g = grid.toFloatArray(); // [2, 8]
    // Layer 0, position 2 (the only differing token): the run becomes the clean run.
    assertEquals(1.0, Patching.normalise(g[2], clean, corrupt), 1e-4);
    // Layer 0, any other position: nothing differs there yet.
    assertEquals(0.0, Patching.normalise(g[5], clean, corrupt), 1e-4);
    // Layer 1 still attends to corrupted positions 2..6, so one position does not restore it all.
    assertTrue(Math.abs(Patching.normalise(g[8 + 7], clean, corrupt) - 1.0) > 1e-3);
    // But the last layer's output at the last position is all the logits read.
    float[] post =
        Patching.byLayerAndPosition(HT, CLEAN, CORRUPT, "resid_post", METRIC).toFloatArray();
    assertEquals(1.0, Patching.normalise(post[8 + 7], clean, corrupt), 1e-4);
  }

  @Test
  void headPatchingMatchesAHandWrittenHook() {
    Tensor grid = Patching.byHead(HT, CLEAN, CORRUPT, METRIC); // [2, 4]
    Tensor cleanZ;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cleanZ = HT.runWithCache(CLEAN).cache().get("z", 1);
      Tensor logits =
          HT.runWithHooks(
              CORRUPT,
              List.of(
                  Hook.at(
                      "blocks.1.attn.hook_z",
                      (a, ctx) -> {
                        float[] z = a.toFloatArray();
                        float[] c = cleanZ.toFloatArray();
                        for (int p = 0; p < 8; p++) {
                          for (int e = 0; e < 8; e++) {
                            int i = (p * 4 + 3) * 8 + e; // head 3
                            z[i] = c[i];
                          }
                        }
                        return Tensor.of(z, a.shape());
                      })));
      assertEquals(METRIC.apply(logits).item(), grid.toFloatArray()[4 + 3], 1e-5);
    }
  }

  @Test
  void attributionIsTheGradientTimesTheActivationDifference() {
    Tensor attr = Patching.attribution(HT, CLEAN, CORRUPT, "resid_pre", METRIC);
    // Layer 0: the residual streams differ only at position 2.
    float[] a = attr.toFloatArray();
    for (int p = 0; p < 8; p++) {
      if (p != 2) {
        assertEquals(0.0, a[p], 1e-6);
      }
    }
    // Check position 2 against a finite difference along the clean - corrupted direction.
    Tensor cleanAct;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cleanAct = HT.runWithCache(CLEAN).cache().get("resid_pre", 0);
    }
    double eps = 1e-3;
    double[] moved = new double[2];
    for (int side = 0; side < 2; side++) {
      double step = side == 0 ? eps : -eps;
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Tensor logits =
            HT.runWithHooks(
                CORRUPT,
                List.of(
                    Hook.at(
                        "blocks.0.hook_resid_pre",
                        (act, ctx) -> act.add(cleanAct.sub(act).mul(step)))));
        moved[side] = METRIC.apply(logits).item();
      }
    }
    double fd = (moved[0] - moved[1]) / (2 * eps);
    assertEquals(fd, a[2], 2e-2 * Math.max(1.0, Math.abs(fd)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Patching.attribution(HT, CLEAN, CORRUPT, "hook_q", METRIC));
    assertTrue(Double.isFinite(a[8 + 7]));
  }

  @Test
  void cachedActivationGradientsMatchFiniteDifferences() {
    HookedTransformer.CacheRun run =
        HT.runWithCacheAndGrads(
            CORRUPT,
            n -> n.equals("blocks.1.hook_resid_pre") || n.equals("blocks.0.attn.hook_z"),
            METRIC);
    ActivationCache c = run.cache();
    Tensor g = c.get("blocks.1.hook_resid_pre_grad"); // [1, 8, 32]
    assertEquals(
        0.0, g.select(1, 7).abs().sum().item() == 0 ? 1.0 : 0.0, "the last position matters");
    // Nudge one coordinate of resid_pre at layer 1 and compare with the cached gradient.
    int pos = 7;
    int dim = 5;
    double eps = 1e-2;
    double[] m = new double[2];
    for (int side = 0; side < 2; side++) {
      double step = side == 0 ? eps : -eps;
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Tensor logits =
            HT.runWithHooks(
                CORRUPT,
                List.of(
                    Hook.at(
                        "blocks.1.hook_resid_pre",
                        (act, ctx) -> {
                          float[] v = act.toFloatArray();
                          v[pos * 32 + dim] += (float) step;
                          return Tensor.of(v, act.shape());
                        })));
        m[side] = METRIC.apply(logits).item();
      }
    }
    double fd = (m[0] - m[1]) / (2 * eps);
    double analytic = g.toFloatArray()[pos * 32 + dim];
    assertEquals(fd, analytic, 2e-2 * Math.max(1.0, Math.abs(fd)));
    assertTrue(c.contains("blocks.0.attn.hook_z_grad"));
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      assertThrows(
          IllegalStateException.class, () -> HT.runWithCacheAndGrads(CORRUPT, n -> true, METRIC));
    }
  }

  @Test
  void headPatchingByPositionChangesNothingBeforeTheDifferingToken() {
    Tensor byPos = Patching.byHeadAndPosition(HT, CLEAN, CORRUPT, METRIC); // [2, 8, 4]
    assertEquals(2 * 8 * 4, byPos.numel());
    double corrupt = metric(CORRUPT);
    // Layer 0, positions before the differing token: z there is identical, nothing changes.
    float[] v = byPos.toFloatArray();
    for (int p = 0; p < 2; p++) {
      for (int h = 0; h < 4; h++) {
        assertEquals(corrupt, v[p * 4 + h], 1e-5);
      }
    }
  }
}
