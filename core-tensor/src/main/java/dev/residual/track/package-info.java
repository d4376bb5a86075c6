/**
 * Experiment tracking: a {@link dev.residual.track.Run} records configuration, metrics, images and
 * a summary, and hands them to {@link dev.residual.track.Sink}s on one background thread, so that
 * logging never blocks a training step.
 *
 * <p>What lives here: {@link dev.residual.track.Runs#start(RunOptions)} (picks the sinks from the
 * {@link dev.residual.track.RunOptions} and the environment), the {@link
 * dev.residual.track.LocalSink} (always on: {@code runs/<project>/<run-id>/} with {@code
 * config.json}, {@code metrics.jsonl}, {@code summary.json}, {@code run.json}, {@code media/} and
 * an offline {@code index.html} report with inline SVG charts), and the {@link
 * dev.residual.track.ConsoleSink} (progress bar on a terminal, plain log lines in CI or pipes).
 * Open a run's {@code index.html} in any browser, straight from disk.
 *
 * <p>What does not: the Weights &amp; Biases sink lives in {@code dev.residual.track.wandb} and
 * plugs in through {@link dev.residual.track.Runs#registerSinkFactory}; charts rendered to PNG
 * (JFreeChart) live in {@code dev.residual.plot}.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * try (Run run = Runs.start(RunOptions.builder().project("mnist").totalSteps(steps).build())) {
 *   run.config(settings);                      // a record or a map
 *   for (int step = 1; step <= steps; step++) {
 *     ...
 *     run.log(step, Map.of("loss", loss, "lr", lr));
 *   }
 *   run.summary("test_accuracy", accuracy);
 * }                                            // finish(0): drains the queue, writes the report
 * }</pre>
 */
package dev.residual.track;
