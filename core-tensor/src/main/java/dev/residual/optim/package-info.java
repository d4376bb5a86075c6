/**
 * Optimizers and training utilities that update parameters in place, outside autograd.
 *
 * <p>{@link dev.residual.optim.Optimizer} (parameter groups as {@link
 * dev.residual.optim.ParamGroup}, per-parameter state, a flat {@link
 * dev.residual.optim.OptimizerState} for checkpoints) and its implementations {@link
 * dev.residual.optim.SGD}, {@link dev.residual.optim.Adam}, {@link dev.residual.optim.AdamW} and
 * {@link dev.residual.optim.RMSprop}, all with PyTorch 1.13's update rules; gradient clipping
 * ({@link dev.residual.optim.GradClip}); and {@link dev.residual.optim.ExponentialMovingAverage}.
 * Optimizers work on lists of leaf tensors and do not depend on {@code dev.residual.nn}.
 *
 * <p>Learning-rate schedules live in {@code dev.residual.optim.schedule}; reading and writing state
 * to disk lives in {@code dev.residual.io}.
 */
package dev.residual.optim;
