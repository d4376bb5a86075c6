/**
 * Small end-to-end demos that run in about a minute or less on a laptop CPU: {@link
 * dev.residual.examples.demo.AdditionGptDemo}, a tiny GPT-2 that learns two-digit addition (what
 * {@code residual demo} runs by default), and {@link dev.residual.examples.demo.MlpDemo}, the
 * {@code demo} command itself and an MLP trained on two spirals with the autograd {@code Tensor}.
 * Longer training programs (MNIST, GPT-2 on text) live in their own packages and commands.
 */
package dev.residual.examples.demo;
