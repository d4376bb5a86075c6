package dev.residual.interp;

import dev.residual.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
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

  ActivationCache(Map<String, Tensor> acts, int nLayers) {
    this.acts = new LinkedHashMap<>(acts);
    this.nLayers = nLayers;
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
