/**
 * Model-written multiple-choice evaluations, as in ARENA's "dataset generation" chapter: the
 * question schema ({@link dev.residual.evals.datagen.McQuestion}), a generator asking a model for
 * batches of questions with few-shot examples, variance prompts, structured output and re-asking on
 * invalid output ({@link dev.residual.evals.datagen.QuestionGenerator}), rubric-based quality
 * control ({@link dev.residual.evals.datagen.QualityControl}) and the JSONL dataset file ({@link
 * dev.residual.evals.datagen.QuestionDataset}).
 *
 * <p>Not here: the generic JSONL/CSV dataset reader with field mapping, the solvers and scorers
 * that run the finished dataset (see {@code dev.residual.evals}), and the model providers (see
 * {@code dev.residual.evals.model}).
 */
package dev.residual.evals.datagen;
