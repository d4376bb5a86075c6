/**
 * Tokenizers for the GPT models: the {@link dev.residual.transformer.tokenizer.Tokenizer}
 * interface, a character-level {@link dev.residual.transformer.tokenizer.CharTokenizer} (as
 * nanoGPT's {@code shakespeare_char}) and GPT-2's byte-level BPE {@link
 * dev.residual.transformer.tokenizer.GPT2Tokenizer}, read from a Hugging Face {@code vocab.json} +
 * {@code merges.txt} or built from the {@code r50k_base} ranks bundled with jtokkit.
 *
 * <p>What does not live here: dataset preparation (writing {@code train.bin}/{@code val.bin}), the
 * model, and training of new BPE vocabularies (only the existing GPT-2 vocabulary is supported).
 */
package dev.residual.transformer.tokenizer;
