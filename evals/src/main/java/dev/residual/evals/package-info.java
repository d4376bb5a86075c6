/**
 * inspect-style LLM evaluation: chat-model providers (OpenAI-compatible, Anthropic, local,
 * scripted), tasks, solvers, scorers, eval logs, dataset generation and tool-using agents.
 *
 * <p>Not yet implemented: this module will be filled by the evaluation issues. Its local provider
 * uses {@code transformer}.
 */
package dev.residual.evals;
