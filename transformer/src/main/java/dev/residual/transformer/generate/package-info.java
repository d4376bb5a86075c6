/**
 * Text generation with a {@link dev.residual.transformer.GPT2}.
 *
 * <ul>
 *   <li>{@link dev.residual.transformer.generate.Generation}: the entry point: greedy decoding,
 *       sampling and beam search, batched prompts (left-padded), stop tokens and strings,
 *       streaming.
 *   <li>{@link dev.residual.transformer.generate.GenerationConfig}: every decoding setting, with
 *       Hugging Face's names and defaults.
 *   <li>{@link dev.residual.transformer.generate.LogitsProcessing}: penalties, temperature, top-k,
 *       top-p, min-p, the seeded draw and log-softmax scores, on one {@code float[]} row of logits.
 *   <li>{@link dev.residual.transformer.generate.Decoder} and {@link
 *       dev.residual.transformer.generate.KVCache}: incremental inference, one new token per step,
 *       with SIMD matrix-vector products straight from the model's weights; {@link
 *       dev.residual.transformer.generate.DecodeContext} is the growing sequences plus their cache
 *       (the loop to build custom decoders on).
 *   <li>{@link dev.residual.transformer.generate.StopStrings}: stop strings found in decoded text,
 *       even when split over tokens.
 * </ul>
 *
 * <p>Not here: training and the model itself ({@code dev.residual.transformer}), tokenizers ({@code
 * dev.residual.transformer.tokenizer}). Decoding works on plain arrays, not tensors, so it pays no
 * per-op tensor overhead per token.
 */
package dev.residual.transformer.generate;
