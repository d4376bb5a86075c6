package dev.residual.interp;

import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Activation patching: run the model on a corrupted input, paste in one activation from a clean
 * run, and measure how much of the clean behaviour comes back. Results are grids over {@code
 * [layer, pos]} (residual stream, attention and MLP outputs) or {@code [layer, head]} (head outputs
 * {@code z}); attribution patching gives the linear approximation of the whole grid from one
 * forward and one backward pass.
 *
 * <p>{@code metric} maps logits {@code [batch, pos, vocab]} to a scalar tensor, e.g. {@link
 * #logitDiff}. Clean and corrupted token ids must have the same shape.
 */
public final class Patching {
  private Patching() {}

  /**
   * Mean over the batch of {@code logit(answer) - logit(wrong)} at the last position: the usual
   * metric for a two-answer task (IOI's name mover, for example).
   *
   * @param answers {@code [batch]} ids of the correct tokens
   * @param wrong {@code [batch]} ids of the competing tokens
   */
  public static Function<Tensor, Tensor> logitDiff(long[] answers, long[] wrong) {
    return logits -> {
      long[] s = logits.shape();
      Tensor last = logits.select(1, s[1] - 1); // [batch, vocab]
      Tensor a = last.gather(1, Tensor.of(answers, answers.length, 1));
      Tensor w = last.gather(1, Tensor.of(wrong, wrong.length, 1));
      return a.sub(w).mean();
    };
  }

  /**
   * {@code (m - corrupted) / (clean - corrupted)}: 1 where a patch restores the clean metric fully,
   * 0 where it changes nothing.
   */
  public static double normalise(double m, double clean, double corrupted) {
    return (m - corrupted) / (clean - corrupted);
  }

  /**
   * Patches one activation ({@code resid_pre}, {@code attn_out} or {@code mlp_out}) at one position
   * at a time, for every layer: {@code [n_layers, pos]} of the metric.
   *
   * @throws IllegalArgumentException for another activation name or mismatched token shapes
   */
  public static Tensor byLayerAndPosition(
      HookedTransformer model,
      Tensor clean,
      Tensor corrupted,
      String act,
      Function<Tensor, Tensor> metric) {
    checkAct(act);
    checkShapes(clean, corrupted);
    int layers = model.nLayers();
    int t = (int) clean.shape()[1];
    float[] out = new float[layers * t];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      ActivationCache cache = model.runWithCache(clean, n -> n.endsWith("hook_" + act)).cache();
      for (int l = 0; l < layers; l++) {
        String name = HookNames.actName(act, l, null);
        for (int p = 0; p < t; p++) {
          // act is [batch, pos, d_model]: replace position p.
          Tensor mask = oneHot(p, 1, t, 1);
          out[l * t + p] = patched(model, corrupted, name, cache.get(name), mask, metric);
        }
      }
    }
    return Tensor.of(out, layers, t);
  }

  /**
   * Patches each head's output {@code z} over all positions: {@code [n_layers, n_heads]} of the
   * metric.
   */
  public static Tensor byHead(
      HookedTransformer model, Tensor clean, Tensor corrupted, Function<Tensor, Tensor> metric) {
    checkShapes(clean, corrupted);
    int layers = model.nLayers();
    int heads = model.nHeads();
    float[] out = new float[layers * heads];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      ActivationCache cache = model.runWithCache(clean, n -> n.endsWith("attn.hook_z")).cache();
      for (int l = 0; l < layers; l++) {
        String name = HookNames.actName("z", l, null);
        for (int h = 0; h < heads; h++) {
          // z is [batch, pos, head, d_head]: replace head h at every position.
          Tensor mask = oneHot(h, 1, 1, heads, 1);
          out[l * heads + h] = patched(model, corrupted, name, cache.get(name), mask, metric);
        }
      }
    }
    return Tensor.of(out, layers, heads);
  }

  /**
   * Patches each head's output {@code z} at one position at a time: {@code [n_layers, pos,
   * n_heads]} of the metric.
   */
  public static Tensor byHeadAndPosition(
      HookedTransformer model, Tensor clean, Tensor corrupted, Function<Tensor, Tensor> metric) {
    checkShapes(clean, corrupted);
    int layers = model.nLayers();
    int heads = model.nHeads();
    int t = (int) clean.shape()[1];
    float[] out = new float[layers * t * heads];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      ActivationCache cache = model.runWithCache(clean, n -> n.endsWith("attn.hook_z")).cache();
      for (int l = 0; l < layers; l++) {
        String name = HookNames.actName("z", l, null);
        for (int p = 0; p < t; p++) {
          for (int h = 0; h < heads; h++) {
            Tensor mask = oneHot(p * heads + h, 1, t, heads, 1);
            out[(l * t + p) * heads + h] =
                patched(model, corrupted, name, cache.get(name), mask, metric);
          }
        }
      }
    }
    return Tensor.of(out, layers, t, heads);
  }

  /**
   * Attribution patching: the first-order estimate of {@link #byLayerAndPosition}'s change of the
   * metric, {@code Σ_d ∂metric/∂act · (clean - corrupted)} per {@code [layer, pos]} (summed over
   * the batch), from one forward and one backward pass on the corrupted input.
   */
  public static Tensor attribution(
      HookedTransformer model,
      Tensor clean,
      Tensor corrupted,
      String act,
      Function<Tensor, Tensor> metric) {
    checkAct(act);
    checkShapes(clean, corrupted);
    int layers = model.nLayers();
    int t = (int) clean.shape()[1];
    ActivationCache cleanCache;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      cleanCache = model.runWithCache(clean, n -> n.endsWith("hook_" + act)).cache();
    }
    Tensor[] grads = new Tensor[layers];
    Tensor[] corruptActs = new Tensor[layers];
    List<Hook.Named> hooks = new ArrayList<>();
    // The weights do not require grad; making the embeddings leaves that do puts every later
    // activation on the graph, so backward reaches them all.
    hooks.add(Hook.at("hook_embed", (a, ctx) -> a.detach().requiresGrad(true)));
    for (int l = 0; l < layers; l++) {
      int layer = l;
      hooks.add(
          Hook.at(
              HookNames.actName(act, l, null),
              (a, ctx) -> {
                corruptActs[layer] = a.detach();
                a.registerHook(
                    g -> {
                      grads[layer] = g.detach().clone();
                      return null;
                    });
                return null;
              }));
    }
    Tensor logits = model.runWithHooks(corrupted, hooks);
    metric.apply(logits).backward();
    float[] out = new float[layers * t];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int l = 0; l < layers; l++) {
        Tensor delta = cleanCache.get(act, l).sub(corruptActs[l]);
        float[] attr = grads[l].mul(delta).sum(new int[] {0, 2}, false).toFloatArray(); // [pos]
        System.arraycopy(attr, 0, out, l * t, t);
      }
    }
    return Tensor.of(out, layers, t);
  }

  /**
   * The metric of a corrupted run whose activation at {@code hookName} takes the clean value where
   * {@code mask} (broadcast against it) is true.
   */
  private static float patched(
      HookedTransformer model,
      Tensor corrupted,
      String hookName,
      Tensor clean,
      Tensor mask,
      Function<Tensor, Tensor> metric) {
    Hook patch = (a, ctx) -> Tensor.where(mask, clean, a);
    Tensor logits = model.runWithHooks(corrupted, List.of(Hook.at(hookName, patch)));
    return (float) metric.apply(logits).item();
  }

  /** A BOOL tensor of {@code shape}, true only at flat index {@code index}. */
  private static Tensor oneHot(int index, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    boolean[] m = new boolean[n];
    m[index] = true;
    return Tensor.of(m, shape);
  }

  private static void checkAct(String act) {
    if (!List.of("resid_pre", "attn_out", "mlp_out", "resid_mid", "resid_post").contains(act)) {
      throw new IllegalArgumentException(
          "Patching: patch resid_pre, resid_mid, resid_post, attn_out or mlp_out, got '"
              + act
              + "'");
    }
  }

  private static void checkShapes(Tensor clean, Tensor corrupted) {
    if (clean.dim() != 2 || !java.util.Arrays.equals(clean.shape(), corrupted.shape())) {
      throw new IllegalArgumentException(
          "Patching: clean "
              + java.util.Arrays.toString(clean.shape())
              + " and corrupted "
              + java.util.Arrays.toString(corrupted.shape())
              + " tokens must both be [batch, pos]");
    }
  }
}
