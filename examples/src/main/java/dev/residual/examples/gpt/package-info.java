/**
 * The {@code residual gpt} command: {@code prepare} (text to token files), {@code train} (the
 * nanoGPT loop of {@link dev.residual.transformer.train.Trainer}) and {@code sample} (greedy or
 * temperature sampling from a checkpoint). The training machinery itself lives in {@code
 * dev.residual.transformer.train}.
 */
package dev.residual.examples.gpt;
