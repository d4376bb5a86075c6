/**
 * Mechanistic interpretability in TransformerLens's vocabulary.
 *
 * <ul>
 *   <li>{@link dev.residual.interp.HookedTransformer}: a GPT-2 with TransformerLens's hook points,
 *       names, shapes and weight layout, built from a {@link dev.residual.transformer.GPT2}, or a
 *       trainable attention-only model (optionally without LayerNorm); weight processing; QK and OV
 *       circuits; activation gradients ({@code runWithCacheAndGrads}).
 *   <li>{@link dev.residual.interp.Hook}: forward hooks that may replace an activation.
 *   <li>{@link dev.residual.interp.ActivationCache}: activations by full name or shorthand ({@link
 *       dev.residual.interp.HookNames}); residual-stream decompositions, {@code applyLnToStack},
 *       direct logit attribution, the logit lens.
 *   <li>{@link dev.residual.interp.FactoredMatrix} and {@link dev.residual.interp.Composition}:
 *       lazy low-rank products (norms, SVD, eigenvalues and the OV copying score) and Q/K/V
 *       composition scores with a random baseline.
 *   <li>{@link dev.residual.interp.HeadDetectors}: previous-token, duplicate-token and induction
 *       scores on repeated random tokens; induction loss.
 *   <li>{@link dev.residual.interp.Patching}: activation patching by [layer, pos] and by head, by
 *       head and position, attribution patching, logit difference.
 *   <li>{@link dev.residual.interp.AttentionPatterns}: labelled heatmap grids and an interactive
 *       HTML page; {@link dev.residual.interp.InterpPlots}: labelled heatmaps of logit-lens,
 *       patching and head-score grids; {@link dev.residual.interp.PromptTest}: {@code test_prompt}.
 *   <li>{@link dev.residual.interp.InductionStudy}: trains an attention-only 2-layer model and
 *       finds its previous-token head, induction heads and their K-composition, with a report.
 * </ul>
 *
 * <p>A model with nothing observing the inside of its attention runs fused kernels (one QKV GEMM,
 * the causal attention kernel); adding a hook or caching {@code hook_q … hook_z} of a layer
 * switches that layer to the step-by-step path that exposes them. Both give the same logits and
 * gradients to float rounding.
 */
package dev.residual.interp;
