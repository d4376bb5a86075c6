/**
 * GPT-2 from scratch: {@code GPT2Config}, the {@code GPT2} model, GPT-2 byte-level BPE,
 * nanoGPT-grade training, Hugging Face weight loading and generation (temperature, top-k, top-p,
 * beam search, KV cache).
 *
 * <p>Not yet implemented: this module will be filled by the GPT-2 and generation issues. It depends
 * only on {@code core-tensor}.
 */
package dev.residual.transformer;
