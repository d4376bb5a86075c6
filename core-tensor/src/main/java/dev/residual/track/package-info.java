/**
 * Experiment tracking: a {@code Run} records configuration, metrics, images and a summary, and
 * hands them to {@link dev.residual.track.Sink}s (console, local run directory with an offline
 * {@code index.html} report, Weights & Biases over HTTP) on a background thread, so that logging
 * never blocks a training step. Charts are drawn by {@code dev.residual.plot}.
 */
package dev.residual.track;
