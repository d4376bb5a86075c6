/**
 * Reading evaluation datasets: {@link dev.residual.evals.dataset.Datasets} turns JSON arrays, JSONL
 * and CSV files (RFC 4180, hand-parsed by {@link dev.residual.evals.dataset.Csv}) into {@link
 * dev.residual.evals.Sample}s through a declarative {@link dev.residual.evals.dataset.FieldSpec} or
 * a lambda, and {@link dev.residual.evals.dataset.ChoiceShuffle} reorders multiple-choice options
 * with a seed while remapping targets. Generating datasets with a model, and running them, live
 * elsewhere.
 */
package dev.residual.evals.dataset;
