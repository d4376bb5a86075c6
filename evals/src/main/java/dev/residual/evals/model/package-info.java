/**
 * Model providers for evaluations: the {@link dev.residual.evals.model.ChatModel} contract, chat
 * messages with tool calls, generation settings and outputs, and the implementations.
 *
 * <ul>
 *   <li>{@link dev.residual.evals.model.OpenAiChatModel} (OpenAI-compatible Chat Completions, so
 *       also vLLM, llama.cpp and Ollama) and {@link dev.residual.evals.model.AnthropicChatModel}
 *       (Messages API), both on {@link dev.residual.evals.model.HttpChatModel}, which owns the
 *       reliability: retries per {@link dev.residual.evals.model.RetryPolicy} (exponential backoff
 *       with full jitter, {@code Retry-After}/{@code retry-after-ms}, {@code x-should-retry}), a
 *       per-model concurrency limit and timeouts from {@link
 *       dev.residual.evals.model.HttpSettings}, and {@link dev.residual.evals.model.UsageStats};
 *       waits go through a {@link dev.residual.evals.model.Sleeper} so tests need not sleep.
 *   <li>{@link dev.residual.evals.model.CachingChatModel}: a disk cache in front of any model,
 *       keyed by model, messages, config, tools and epoch.
 *   <li>{@link dev.residual.evals.model.ScriptedChatModel} for tests and demos, {@link
 *       dev.residual.evals.model.LocalGptModel} for a Residual GPT-2 checkpoint.
 *   <li>{@link dev.residual.evals.model.Models#get}: {@code provider/model} names to models.
 * </ul>
 *
 * Tasks, solvers, scorers and the runner live in {@code dev.residual.evals}, not here.
 */
package dev.residual.evals.model;
