/**
 * LLM evaluation in the shape of UK AISI's inspect: a task is a dataset of {@link
 * dev.residual.evals.Sample}s, a chain of {@link dev.residual.evals.Solver}s working on a {@link
 * dev.residual.evals.TaskState} (calling the model through {@link dev.residual.evals.Generate}),
 * and {@link dev.residual.evals.Scorer}s producing {@link dev.residual.evals.Score}s. A {@link
 * dev.residual.evals.Task} bundles them with epochs and a config; {@link
 * dev.residual.evals.EvalRunner} runs it (in parallel, resumably) into an eval log. Providers are
 * in {@code model}, logs and reports in {@code log}, metrics in {@code metrics}.
 */
package dev.residual.evals;
