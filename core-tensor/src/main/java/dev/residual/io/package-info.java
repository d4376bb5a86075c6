/**
 * Reading and writing tensors in files.
 *
 * <p>{@link dev.residual.io.SafeTensors} reads and writes the safetensors format (the format
 * Hugging Face checkpoints are published in): memory-mapped reads straight into tensor memory,
 * atomic writes, and validation that rejects malformed or hostile files with an {@link
 * java.io.IOException} instead of an {@link OutOfMemoryError}. {@link dev.residual.io.Checkpoint}
 * keeps a whole training run's state (model, optimizer, schedule, generators, step, config) in one
 * directory that is replaced atomically.
 *
 * <p>Dataset readers (MNIST IDX, token files) live in {@code dev.residual.data}; module state dicts
 * are built in {@code dev.residual.nn}. Formats that execute code when loaded (Python pickle,
 * {@code torch.save}) are deliberately not read here.
 */
package dev.residual.io;
