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
      if (inclMid && (model == null || !model.isAttnOnly())) { // attention-only: mid = post
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
   * {@code i_attn_out} and {@code i_mlp_out} (no MLP pieces for attention-only models). The pieces
   * sum to {@code resid_pre} of {@code layer} (or the final {@code resid_post}).
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
      if (model == null || !model.isAttnOnly()) {
        parts.add(get("mlp_out", l));
        labels.add(l + "_mlp_out");
      }
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

  /**
   * Applies the cached LayerNorm scaling to a stack of residual pieces, as the model did to their
   * sum: {@code (piece - mean(piece)) / scale}, with the scale of the final LayerNorm ({@code layer
   * == nLayers}) or of block {@code layer}'s ln1 (ln2 when {@code mlpInput}). Like TransformerLens
   * this assumes folded LayerNorm weights ({@link HookedTransformer#processWeights}); it is linear,
   * so the scaled pieces still sum to the scaled whole.
   *
   * @param stack {@code [pieces, batch, pos, d_model]}
   * @return the same shape
   * @throws IllegalArgumentException if the needed {@code hook_scale} was not cached
   */
  public Tensor applyLnToStack(Tensor stack, int layer, boolean mlpInput) {
    checkUpTo(layer);
    Tensor scale =
        layer == nLayers
            ? get("ln_final.hook_scale")
            : get("scale", layer, mlpInput ? "ln2" : "ln1");
    return stack.sub(stack.mean(-1, true)).div(scale);
  }

  /**
   * Direct logit attribution: each piece's contribution to the logit of {@code tokens} (minus the
   * logit of {@code incorrectTokens}, for a logit difference), after the final LayerNorm's scaling
   * ({@link #applyLnToStack} is applied here). With folded LayerNorms the pieces of {@link
   * #decomposeResid decomposeResid(nLayers)} add up to the logits minus {@code b_U}.
   *
   * @param stack {@code [pieces, batch, pos, d_model]}
   * @param tokens {@code [batch, pos]} token ids whose logits to attribute
   * @param incorrectTokens {@code [batch, pos]} ids to subtract, or null
   * @return {@code [pieces, batch, pos]}
   * @throws IllegalArgumentException if the token shapes do not match the stack's batch and pos
   */
  public Tensor logitAttrs(Tensor stack, Tensor tokens, Tensor incorrectTokens) {
    long[] s = stack.shape();
    checkTokens("logitAttrs", "tokens", tokens, s);
    Tensor unembedT = model.W_U().t().contiguous(); // [d_vocab, d_model], rows are directions
    Tensor dirs = directions(unembedT, tokens, s);
    if (incorrectTokens != null) {
      checkTokens("logitAttrs", "incorrect tokens", incorrectTokens, s);
      dirs = dirs.sub(directions(unembedT, incorrectTokens, s));
    }
    Tensor scaled = applyLnToStack(stack, nLayers, false);
    return scaled.mul(dirs.unsqueeze(0)).sum(-1);
  }

  /**
   * The logit lens: the log-probability of {@code answers} read off the residual stream after every
   * layer ({@link #accumulatedResid accumulatedResid(nLayers, false)}: {@code "0_pre"} ... {@code
   * "final_post"}), through the final LayerNorm's scaling and the unembedding. The last row is the
   * model's own log-probability. Assumes folded LayerNorm weights, as {@link #applyLnToStack} does.
   *
   * @param answers {@code [batch, pos]} token ids
   * @return {@code [nLayers + 1, batch, pos]} log-probabilities, with the accumulated residual's
   *     labels
   */
  public Stack logitLens(Tensor answers) {
    Stack acc = accumulatedResid(nLayers, false);
    long[] s = acc.stack().shape();
    checkTokens("logitLens", "answers", answers, s);
    Tensor scaled = applyLnToStack(acc.stack(), nLayers, false);
    Tensor logp =
        dev.residual.nn.functional.F.logSoftmax(scaled.matmul(model.W_U()).add(model.b_U()), -1);
    Tensor idx = answers.unsqueeze(0).expand(s[0], s[1], s[2]).unsqueeze(3).contiguous();
    return new Stack(logp.gather(3, idx).squeeze(3), acc.labels());
  }

  /** Rows {@code unembedT[token]} (columns of {@code W_U}) as {@code [batch, pos, d_model]}. */
  private static Tensor directions(Tensor unembedT, Tensor tokens, long[] s) {
    return unembedT.indexSelect(0, tokens.reshape(s[1] * s[2])).reshape(s[1], s[2], s[3]);
  }

  /**
   * Token ids must be {@code [batch, pos]} matching a stack shaped {@code s = [n, batch, pos, d]}.
   */
  private static void checkTokens(String op, String what, Tensor t, long[] s) {
    if (t.dim() != 2 || t.shape()[0] != s[1] || t.shape()[1] != s[2]) {
      throw new IllegalArgumentException(
          "ActivationCache."
              + op
              + ": "
              + what
              + " "
              + java.util.Arrays.toString(t.shape())
              + " must be [batch, pos] = ["
              + s[1]
              + ", "
              + s[2]
              + "]");
    }
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
