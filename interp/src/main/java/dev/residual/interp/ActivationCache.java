package dev.residual.interp;

import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activations recorded by {@link HookedTransformer#runWithCache}, keyed by TransformerLens hook
 * names ({@code blocks.0.attn.hook_pattern}, {@code hook_embed}, ...). Look them up by full name or
 * by TransformerLens's shorthand: {@code cache.get("pattern", 0)}, {@code cache.get("resid_post",
 * -1)} (negative layers count from the end), {@code cache.get("scale", 2, "ln1")}.
 *
 * <p>The tensors are detached copies, valid after the run (they do not hold the graph).
 */
public final class ActivationCache {
  private final Map<String, Tensor> acts;
  private final int nLayers;
  private final HookedTransformer model;

  ActivationCache(Map<String, Tensor> acts, int nLayers, HookedTransformer model) {
    this.acts = new LinkedHashMap<>(acts);
    this.nLayers = nLayers;
    this.model = model;
  }

  /**
   * Residual-stream pieces stacked on a new first dimension, with a label per piece.
   *
   * @param stack {@code [pieces, batch, pos, d_model]}
   * @param labels one label per piece ({@code "0_pre"}, {@code "1_attn_out"}, {@code "L1H3"}, ...)
   */
  public record Stack(Tensor stack, List<String> labels) {}

  /**
   * The residual stream as it accumulates (the logit lens): {@code resid_pre} of every layer below
   * {@code layer} (with {@code resid_mid} too when {@code inclMid}), then {@code resid_post} of the
   * last layer when {@code layer == nLayers}. Labels {@code "i_pre"}, {@code "i_mid"}, {@code
   * "final_post"}.
   *
   * @param layer how far to go, in {@code [0, nLayers]}
   * @throws IllegalArgumentException if {@code layer} is out of range or an activation is missing
   */
  public Stack accumulatedResid(int layer, boolean inclMid) {
    checkUpTo(layer);
    List<Tensor> parts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int l = 0; l < layer; l++) {
      parts.add(get("resid_pre", l));
      labels.add(l + "_pre");
      if (inclMid) {
        parts.add(get("resid_mid", l));
        labels.add(l + "_mid");
      }
    }
    if (layer == nLayers) {
      parts.add(get("resid_post", nLayers - 1));
      labels.add("final_post");
    }
    return stack(parts, labels);
  }

  /**
   * The residual stream entering {@code layer} (or the final one, {@code layer == nLayers}) split
   * into the parts that wrote it: {@code embed}, {@code pos_embed}, then each earlier layer's
   * {@code i_attn_out} and {@code i_mlp_out}. The pieces sum to {@code resid_pre} of {@code layer}
   * (or the final {@code resid_post}).
   *
   * @throws IllegalArgumentException if {@code layer} is out of range or an activation is missing
   */
  public Stack decomposeResid(int layer) {
    checkUpTo(layer);
    List<Tensor> parts = new ArrayList<>(List.of(get("hook_embed"), get("hook_pos_embed")));
    List<String> labels = new ArrayList<>(List.of("embed", "pos_embed"));
    for (int l = 0; l < layer; l++) {
      parts.add(get("attn_out", l));
      labels.add(l + "_attn_out");
      parts.add(get("mlp_out", l));
      labels.add(l + "_mlp_out");
    }
    return stack(parts, labels);
  }

  /**
   * Each head's write into the residual stream, {@code z · W_O} per head, for every layer below
   * {@code layer}: {@code [layer * H, batch, pos, d_model]}, labels {@code "L{l}H{h}"}. Summed over
   * a layer's heads plus {@code b_O} they give that layer's {@code attn_out}. Needs {@code
   * attn.hook_z} in the cache.
   *
   * @throws IllegalArgumentException if {@code layer} is out of range or {@code z} is missing
   */
  public Stack stackHeadResults(int layer) {
    checkUpTo(layer);
    List<Tensor> parts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    Tensor wO = model.W_O();
    for (int l = 0; l < layer; l++) {
      Tensor z = get("z", l); // [batch, pos, head, d_head]
      Tensor result = dev.residual.nn.functional.F.einsum("bqhe,hed->hbqd", z, wO.select(0, l));
      for (int h = 0; h < model.nHeads(); h++) {
        parts.add(result.select(0, h));
        labels.add("L" + l + "H" + h);
      }
    }
    return stack(parts, labels);
  }

  private void checkUpTo(int layer) {
    if (layer < 0 || layer > nLayers) {
      throw new IllegalArgumentException(
          "ActivationCache: layer " + layer + " outside [0, " + nLayers + "]");
    }
  }

  private static Stack stack(List<Tensor> parts, List<String> labels) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("ActivationCache: nothing to stack below layer 0");
    }
    return new Stack(Tensor.stack(parts, 0), List.copyOf(labels));
  }

  /** Names of the cached activations, in the order the forward pass produced them. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(acts.keySet());
  }

  /** Whether {@code name} (a full hook name) was cached. */
  public boolean contains(String name) {
    return acts.containsKey(name);
  }

  /**
   * The activation at the full hook name {@code name}.
   *
   * @throws IllegalArgumentException if it was not cached (the message lists what was)
   */
  public Tensor get(String name) {
    Tensor t = acts.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "ActivationCache: no activation '"
              + name
              + "' (cached: "
              + (acts.size() <= 12 ? acts.keySet() : acts.size() + " names, e.g. " + first(6))
              + ")");
    }
    return t;
  }

  /** {@code get(HookNames.actName(name, layer))}, with negative layers counted from the end. */
  public Tensor get(String name, int layer) {
    return get(HookNames.actName(name, resolve(layer), null));
  }

  /**
   * {@code get(HookNames.actName(name, layer, layerType))}, e.g. {@code get("scale", 0, "ln1")};
   * negative layers count from the end.
   */
  public Tensor get(String name, int layer, String layerType) {
    return get(HookNames.actName(name, resolve(layer), layerType));
  }

  private int resolve(int layer) {
    int l = layer < 0 ? nLayers + layer : layer;
    if (l < 0 || l >= nLayers) {
      throw new IllegalArgumentException(
          "ActivationCache: layer " + layer + " outside a model of " + nLayers + " layers");
    }
    return l;
  }

  private String first(int n) {
    StringBuilder sb = new StringBuilder("[");
    int i = 0;
    for (String k : acts.keySet()) {
      if (i++ == n) {
        break;
      }
      sb.append(i > 1 ? ", " : "").append(k);
    }
    return sb.append(", ...]").toString();
  }

  /** Number of cached activations. */
  public int size() {
    return acts.size();
  }
}
