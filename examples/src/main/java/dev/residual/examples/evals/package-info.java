/**
 * The {@code residual evals} commands ({@code run}, {@code view}) and the evaluation demo: the
 * two-digit addition task scored by {@code match}, run on a scripted model and on the GPT that
 * {@code residual demo} trains.
 */
package dev.residual.examples.evals;
