/**
 * Mechanistic interpretability in TransformerLens's vocabulary: hook points and activation caches,
 * activation patching, attention patterns, induction heads, circuits, toy models of superposition
 * and sparse autoencoders.
 *
 * <p>Not yet implemented: this module will be filled by the interpretability issues. It depends on
 * {@code transformer}.
 */
package dev.residual.interp;
