/**
 * Ready-made solvers behind the {@link dev.residual.evals.solver.Solvers} facade: generation,
 * system and user messages, prompt templates, chain of thought, multiple choice (with seeded
 * shuffling), self-critique and chaining, plus the {@link dev.residual.evals.solver.Templates}
 * placeholder filler they share. The {@link dev.residual.evals.Solver} interface itself, tasks and
 * the runner live elsewhere.
 */
package dev.residual.evals.solver;
