/**
 * Mechanistic interpretability in TransformerLens's vocabulary.
 *
 * <p>Here now: {@link dev.residual.interp.HookedTransformer} (a GPT-2 with TransformerLens's hook
 * points, names, shapes and weight layout, built from a {@link dev.residual.transformer.GPT2}, and
 * TransformerLens's weight processing), {@link dev.residual.interp.Hook} (forward hooks that may
 * replace an activation), {@link dev.residual.interp.ActivationCache} (activations by full name or
 * shorthand; residual-stream decompositions, {@code applyLnToStack} and direct logit attribution),
 * {@link dev.residual.interp.HookNames} ({@code get_act_name}), {@link
 * dev.residual.interp.FactoredMatrix} (lazy products: norms, SVD from the factors) with the QK and
 * OV circuits and {@link dev.residual.interp.Composition} (Q/K/V composition scores), and {@link
 * dev.residual.interp.HeadDetectors} (previous-token, duplicate-token and induction scores,
 * repeated random tokens, induction loss), and {@link dev.residual.interp.Patching} (activation
 * patching by [layer, pos] and by head, attribution patching, logit difference) and {@link
 * dev.residual.interp.AttentionPatterns} (labelled heatmap grids and an interactive HTML page).
 *
 * <p>Not yet here (the rest of the interpretability issue): general backward hooks and {@code
 * _grad} cache entries, eigenvalues of factored matrices, composition baselines, {@code
 * testPrompt}, head patching by position, logit-lens and patching heatmaps, the attention-only
 * model and the induction-heads study.
 */
package dev.residual.interp;
