/**
 * Mechanistic interpretability in TransformerLens's vocabulary.
 *
 * <p>Here now: {@link dev.residual.interp.HookedTransformer} (a GPT-2 with TransformerLens's hook
 * points, names, shapes and weight layout, built from a {@link dev.residual.transformer.GPT2}),
 * {@link dev.residual.interp.Hook} (forward hooks that may replace an activation), {@link
 * dev.residual.interp.ActivationCache} (activations by full name or shorthand) and {@link
 * dev.residual.interp.HookNames} ({@code get_act_name}).
 *
 * <p>Not yet here (the rest of the interpretability issue): backward hooks, weight processing (LN
 * folding, centring), the cache's residual decompositions and logit attribution, factored matrices
 * and composition scores, head detectors, activation and attribution patching, and the
 * visualisations.
 */
package dev.residual.interp;
