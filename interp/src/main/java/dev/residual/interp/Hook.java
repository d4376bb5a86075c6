package dev.residual.interp;

import dev.residual.tensor.Tensor;

/**
 * A hook on a {@link HookedTransformer} hook point. As a forward hook it sees the activation (and
 * where it is) and may return a replacement of the same shape, or {@code null} to leave it
 * unchanged; as a backward hook it sees the gradient with respect to that activation, and may
 * replace it the same way.
 *
 * <pre>{@code
 * Hook zeroHead3 = (act, ctx) -> {            // act: blocks.1.attn.hook_z [batch, pos, head, d_head]
 *   float[] keep = {1, 1, 1, 0};                // 4 heads; slices are copies, so multiply by a mask
 *   return act.mul(Tensor.of(keep, 1, 1, 4, 1));
 * };
 * Tensor logits = model.runWithHooks(tokens, List.of(Hook.at("blocks.1.attn.hook_z", zeroHead3)));
 * }</pre>
 */
@FunctionalInterface
public interface Hook {
  /**
   * Called with the activation at a hook point.
   *
   * @param activation the activation (TransformerLens's shape for that hook point)
   * @param context the hook point's name and layer
   * @return a replacement of the same shape, or null to keep {@code activation}
   */
  Tensor apply(Tensor activation, HookContext context);

  /** Where a hook runs: the full hook name and its layer (-1 for hooks outside the blocks). */
  record HookContext(String name, int layer) {}

  /**
   * A hook bound to the hook point {@code name}.
   *
   * @param name a full TransformerLens hook name, e.g. {@code blocks.0.attn.hook_pattern}
   * @param hook what to run there
   */
  record Named(String name, Hook hook) {}

  /** Binds {@code hook} to the hook point {@code name}. */
  static Named at(String name, Hook hook) {
    return new Named(name, hook);
  }
}
