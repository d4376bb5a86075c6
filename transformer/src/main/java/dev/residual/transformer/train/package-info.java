/**
 * Training GPT-2 models the nanoGPT way: {@link dev.residual.transformer.train.TrainConfig} holds
 * every knob of nanoGPT's {@code train.py}, {@link dev.residual.transformer.train.Trainer} runs the
 * loop (AdamW with decay on matrices only, warmup + cosine schedule, gradient accumulation and
 * clipping, periodic train/val loss estimates, checkpoint on best validation loss, exact resume),
 * and {@link dev.residual.transformer.train.DataPrep} turns a text file into {@code train.bin},
 * {@code val.bin} and {@code meta.json}.
 *
 * <p>The model itself lives in {@link dev.residual.transformer}; the command line ({@code residual
 * gpt ...}) lives in the examples module.
 */
package dev.residual.transformer.train;
