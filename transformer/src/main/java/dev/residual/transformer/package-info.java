/**
 * GPT-2 from scratch: {@link dev.residual.transformer.GPT2Config} (hyperparameters and the GPT-2
 * presets), the {@link dev.residual.transformer.GPT2} model with nanoGPT's structure, parameter
 * names and initialisation, and Hugging Face checkpoint loading and saving ({@link
 * dev.residual.transformer.GPT2#fromPretrained}, {@link
 * dev.residual.transformer.GPT2#saveHuggingFace}: {@code config.json} plus {@code
 * model.safetensors}, Conv1D weights transposed to and from {@code Linear}'s layout).
 *
 * <p>Not here: the tensor, autograd, layer and optimizer machinery ({@code core-tensor});
 * tokenizers, data preparation, the training loop and the command line, which later work adds to
 * this module. It depends only on {@code core-tensor}.
 */
package dev.residual.transformer;
