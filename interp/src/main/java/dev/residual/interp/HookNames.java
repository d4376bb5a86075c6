package dev.residual.interp;

import java.util.Map;
import java.util.Set;

/**
 * TransformerLens's hook names and its shorthand ({@code utils.get_act_name}): {@code actName("k",
 * 6, "a")} is {@code blocks.6.attn.hook_k}, {@code actName("resid_post", 2, null)} is {@code
 * blocks.2.hook_resid_post}, {@code actName("scale", 0, "ln1")} is {@code blocks.0.ln1.hook_scale},
 * {@code actName("embed", -1, null)} is {@code hook_embed}.
 */
public final class HookNames {
  private HookNames() {}

  private static final Set<String> ATTN =
      Set.of("q", "k", "v", "z", "result", "pattern", "attn_scores");
  private static final Set<String> MLP = Set.of("pre", "post");
  private static final Set<String> BLOCK =
      Set.of("resid_pre", "resid_mid", "resid_post", "attn_out", "mlp_out");
  private static final Set<String> GLOBAL = Set.of("embed", "pos_embed");
  private static final Map<String, String> ALIASES =
      Map.of("a", "attn", "attention", "attn", "m", "mlp", "b", "", "block", "", "blocks", "");

  /**
   * The full hook name for TransformerLens's shorthand.
   *
   * @param name a short name ({@code k}, {@code pattern}, {@code resid_post}, {@code scale}, ...)
   *     or already a full name (returned as is)
   * @param layer the block index (ignored for {@code embed}, {@code pos_embed})
   * @param layerType optional: {@code a}/{@code attn}, {@code m}/{@code mlp}, {@code ln1}, {@code
   *     ln2}, {@code ln_final}; needed for {@code scale} and {@code normalized}
   * @throws IllegalArgumentException for an unknown name or a missing layer type
   */
  public static String actName(String name, int layer, String layerType) {
    if (name.startsWith("hook_") || name.startsWith("blocks.") || name.startsWith("ln_final.")) {
      return name;
    }
    String type = layerType == null ? null : ALIASES.getOrDefault(layerType, layerType);
    if (GLOBAL.contains(name)) {
      return "hook_" + name;
    }
    if (name.equals("scale") || name.equals("normalized")) {
      if ("ln_final".equals(type)) {
        return "ln_final.hook_" + name;
      }
      if (!"ln1".equals(type) && !"ln2".equals(type)) {
        throw new IllegalArgumentException(
            "HookNames.actName: '" + name + "' needs a layer type ln1, ln2 or ln_final");
      }
      return "blocks." + layer + "." + type + ".hook_" + name;
    }
    if (ATTN.contains(name)) {
      return "blocks." + layer + ".attn.hook_" + name;
    }
    if (MLP.contains(name)) {
      return "blocks." + layer + ".mlp.hook_" + name;
    }
    if (BLOCK.contains(name)) {
      return "blocks." + layer + ".hook_" + name;
    }
    throw new IllegalArgumentException("HookNames.actName: unknown activation name '" + name + "'");
  }
}
