/**
 * Datasets and batching for training loops.
 *
 * <p>{@link dev.residual.data.Dataset} is the indexable example collection; {@link
 * dev.residual.data.TensorDataset} indexes several tensors along their first dim; {@link
 * dev.residual.data.DataLoader} batches a dataset per epoch (batch size, {@code Generator}-driven
 * shuffling, drop-last) with {@link dev.residual.data.Collate} as default collation; {@link
 * dev.residual.data.TokenDataset} samples language-model blocks from memory-mapped nanoGPT {@code
 * .bin} token files; {@link dev.residual.data.Mnist} reads IDX image and label files.
 *
 * <p>Loading is single-threaded and synchronous (no worker processes or prefetching). Tensor
 * operations do not live here (see {@code dev.residual.tensor}), nor do checkpoints and tensor file
 * formats such as safetensors (see {@code dev.residual.io}).
 */
package dev.residual.data;
