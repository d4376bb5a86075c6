/**
 * Ready-made scorers behind the {@link dev.residual.evals.scorer.Scorers} facade: text matching
 * (numeric-aware), substring, regex, {@code ANSWER:} extraction, multiple-choice letters, SQuAD
 * exact match and token F1 ({@link dev.residual.evals.scorer.Squad}), and model-graded QA and fact
 * checking. Metrics that aggregate scores, and the runner, live elsewhere.
 */
package dev.residual.evals.scorer;
