/**
 * Text generation's model-independent layer: {@link
 * dev.residual.transformer.generate.GenerationConfig} (every decoding setting, Hugging Face's names
 * and defaults), {@link dev.residual.transformer.generate.LogitsProcessing} (penalties,
 * temperature, top-k, top-p, min-p, the seeded draw and the log-softmax beam search scores with,
 * all on one {@code float[]} row of next-token logits) and {@link
 * dev.residual.transformer.generate.StopStrings} (stop strings found in the decoded text, even when
 * split over tokens).
 *
 * <p>Not here: the model (a {@link dev.residual.transformer.GPT2} produces the logits), tokenizers
 * ({@code dev.residual.transformer.tokenizer} decodes the text that stop strings are searched in),
 * and tensor machinery ({@code core-tensor}). Nothing in this layer touches a {@code Tensor}: it
 * works on plain arrays so decoding pays no tensor overhead per token.
 */
package dev.residual.transformer.generate;
