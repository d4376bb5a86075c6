/**
 * Metrics over scores: accuracy, mean, standard error and bootstrap standard error ({@link
 * dev.residual.evals.metrics.Metrics}), per scorer and grouped by a metadata field ({@link
 * dev.residual.evals.metrics.MetricSet}). Scorers and epoch reduction live in {@code
 * dev.residual.evals}, not here.
 */
package dev.residual.evals.metrics;
