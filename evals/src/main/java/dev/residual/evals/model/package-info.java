/**
 * Model providers for evaluations: the {@link dev.residual.evals.model.ChatModel} contract, chat
 * messages with tool calls, generation settings and outputs.
 */
package dev.residual.evals.model;
