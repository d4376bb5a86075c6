/**
 * LLM evaluation in the shape of UK AISI's inspect: a task is a dataset of {@link
 * dev.residual.evals.Sample}s, a chain of {@link dev.residual.evals.Solver}s working on a {@link
 * dev.residual.evals.TaskState} (calling the model through {@link dev.residual.evals.Generate}),
 * and {@link dev.residual.evals.Scorer}s producing {@link dev.residual.evals.Score}s. Providers are
 * in {@code model}.
 */
package dev.residual.evals;
